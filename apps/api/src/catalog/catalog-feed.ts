import { METER_STREAM_PREFIX, SUBJECT_STREAM_PREFIX, storedTypesOf } from '@tally/events';
import type { Checkpoint, EventBatch, EventStore, Subscription } from '@tally/eventstore';

/** How often the feed reads the store: another instance's change reaches the cache within about this long. */
export const FEED_INTERVAL_MS = 1000;
// After a failure the feed subscribes again this long later (then the next, up to the last).
const RETRY_MS = [250, 1000, 5000];

/**
 * The catalog's change feed: one subscription to the events of meter and subject streams (read
 * once a second on PostgreSQL and PGlite, pushed by EventStoreDB), handed to the cache, so that
 * cached entries stay current without being read again.
 *
 * `live` is the number of the subscription whose batches are arriving, or null. It is set at its
 * first batch, not before: on PostgreSQL an event of a transaction still running when the feed
 * took its starting position can commit behind it, and the first batch (read below the oldest
 * running transaction, past that position) proves every such transaction ended. An entry read
 * while the feed was live under one number may be kept as long as that number is live; on a
 * failure the feed is not live until a new subscription delivers.
 */
export class CatalogFeed {
  private current: number | null = null;
  private subscriptions = 0;
  private subscription: Subscription | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly apply: (batch: EventBatch) => void,
    private readonly options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  get live(): number | null {
    return this.current;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.subscription?.close();
    await this.running;
  }

  private async run(): Promise<void> {
    // Where the feed resumes: the last position it handed on, else the store's head (the cache
    // starts empty, so nothing before it matters).
    let from: Checkpoint | null | undefined;
    let failures = 0;
    while (!this.stopped) {
      try {
        if (from === undefined) from = await this.store.headPosition();
        if (this.stopped) break;
        const number = ++this.subscriptions;
        this.subscription = this.store.subscribe({
          from,
          prefixes: [METER_STREAM_PREFIX, SUBJECT_STREAM_PREFIX],
          types: storedTypesOf('MeterDefined', 'SubjectMapped'),
          intervalMs: this.options.intervalMs ?? FEED_INTERVAL_MS,
        });
        for await (const batch of this.subscription) {
          this.apply(batch);
          from = batch.through;
          this.current = number;
          failures = 0;
        }
      } catch (error) {
        if (!this.stopped) this.options.onError?.(error);
      } finally {
        this.current = null;
        this.subscription = null;
      }
      if (!this.stopped) await this.pause(RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
