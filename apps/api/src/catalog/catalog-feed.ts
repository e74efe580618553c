import { METER_STREAM_PREFIX, SUBJECT_STREAM_PREFIX, storedTypesOf } from '@tally/events';
import type { Checkpoint, EventBatch, EventStore, Subscription } from '@tally/eventstore';

/** How often the feed reads the store: another instance's change reaches the cache within about this long. */
export const FEED_INTERVAL_MS = 500;
// After a failure the feed subscribes again this long later (then the next, up to the last).
const RETRY_MS = [250, 1000, 5000];
// Probes of the head kept while the feed is held back (by a long transaction): the newest.
const MAX_PROBES = 8;

/**
 * The catalog's change feed: one subscription to the events of meter and subject streams (read
 * twice a second on PostgreSQL and PGlite, pushed by EventStoreDB), handed to the cache, so that
 * cached entries stay current without being read again.
 *
 * `live` is the number of the subscription whose batches are arriving, or null. It is set at its
 * first batch, not before: on PostgreSQL an event of a transaction still running when the feed
 * took its starting position can commit behind it, and the first batch (read below the oldest
 * running transaction, past that position) proves every such transaction ended.
 *
 * `confirmedAt` is when the feed last knew itself current: the time of a probe of the store's
 * head that a batch has since read up to, so every change committed before then has been handed
 * on. On PostgreSQL a subscription reads only below the oldest running transaction, of any
 * database of the server, so a long transaction holds it back; the cache then trusts it no more
 * than its age allows.
 */
export class CatalogFeed {
  private current: number | null = null;
  private confirmed = -Infinity;
  private probes: Array<{ at: number; head: Checkpoint }> = [];
  private through: Checkpoint | null = null;
  private subscriptions = 0;
  private subscription: Subscription | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private probing: Promise<void> | null = null;
  private wake: Array<() => void> = [];

  constructor(
    private readonly store: EventStore,
    private readonly apply: (batch: EventBatch) => void,
    private readonly options: { now: () => number; intervalMs?: number; onError?: (error: unknown) => void },
  ) {}

  get live(): number | null {
    return this.current;
  }

  /** The `now()` of the last probe of the head the feed has read up to; -Infinity if none. */
  get confirmedAt(): number {
    return this.confirmed;
  }

  start(): void {
    this.running ??= this.run();
    this.probing ??= this.probe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wake.splice(0)) wake();
    await this.subscription?.close();
    await Promise.all([this.running, this.probing]);
  }

  private get intervalMs(): number {
    return this.options.intervalMs ?? FEED_INTERVAL_MS;
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
          intervalMs: this.intervalMs,
        });
        for await (const batch of this.subscription) {
          this.apply(batch);
          from = batch.through;
          this.current = number;
          this.passed(batch.through);
          failures = 0;
        }
      } catch (error) {
        if (!this.stopped) this.options.onError?.(error);
      } finally {
        this.current = null;
        this.subscription = null;
        this.through = null;
        this.probes = [];
      }
      if (!this.stopped) await this.pause(RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]);
    }
  }

  /** Once per interval, the store's head: confirmed once the feed has read up to it. */
  private async probe(): Promise<void> {
    while (!this.stopped) {
      const at = this.options.now();
      try {
        const head = await this.store.headPosition();
        if (this.current !== null) {
          if (head === null || (this.through && this.store.compare(this.through, head) >= 0)) this.confirmed = at;
          else this.probes = [...this.probes, { at, head }].slice(-MAX_PROBES);
        }
      } catch {
        // The feed itself reports the store's failures; a probe lost costs only its confirmation.
      }
      await this.pause(this.intervalMs);
    }
  }

  private passed(through: Checkpoint): void {
    this.through = through;
    const passed = this.probes.filter((p) => this.store.compare(through, p.head) >= 0);
    if (passed.length === 0) return;
    this.confirmed = Math.max(this.confirmed, ...passed.map((p) => p.at));
    this.probes = this.probes.filter((p) => !passed.includes(p));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = this.wake.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.push(done);
    });
  }
}
