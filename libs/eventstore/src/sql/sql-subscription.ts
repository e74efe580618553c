import { eventBatch, type Checkpoint, type EventBatch, type SubscribeOptions, type Subscription } from '../event-store';
import { APPEND_CHANNEL } from './schema';
import type { SqlClient } from './sql-client';
import type { SqlEventStore } from './sql-event-store';

// Without a notification (another process's NOTIFY lost, say) the subscriber still polls this often.
const IDLE_POLL_MS = 500;
// Once caught up, pages are read at most this often: under load a page then holds many events
// (one transaction for the reader instead of one per event), at the cost of this much lag.
const LIVE_INTERVAL_MS = 25;
// A filtered subscription that read past events it does not deliver says so at most this often
// (an empty batch): often enough for a follower's checkpoint and lag, rarely enough to cost nothing.
const PROGRESS_EVERY_MS = 1000;

/**
 * Catches up page by page, then waits for an append notification (or the idle poll) between pages,
 * or, given `intervalMs`, reads once per interval without notifications.
 * With `types`, the store passes the other events by and the subscription reports how far it read.
 */
export class SqlSubscription implements Subscription {
  private closed = false;
  private wake: (() => void) | null = null;
  private notified = false;
  private lost: Error | null = null;

  constructor(
    private readonly store: SqlEventStore,
    private readonly db: SqlClient,
    private readonly options: SubscribeOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<EventBatch> {
    const { intervalMs } = this.options;
    // A follower that reads at an interval has no use for notifications, nor for the connection they hold.
    const unlisten =
      intervalMs === undefined
        ? await this.db.listen(APPEND_CHANNEL, (lost) => {
            if (lost) this.lost = lost;
            this.poke();
          })
        : async () => undefined;
    let from: Checkpoint | null = this.options.from;
    const batchSize = this.options.batchSize ?? 500;
    const { prefixes, types } = this.options;
    // Read past (by a filtered read) but not yet said: reported by an empty batch now and then.
    let unreported: Checkpoint | null = null;
    let reportedAt = 0;
    try {
      while (!this.closed) {
        // Without notifications this would still poll; failing makes the owner subscribe afresh.
        if (this.lost) throw this.lost;
        this.notified = false;
        const batch = types ? await this.store.readTypesAfter(from, prefixes, batchSize, types) : await this.readAll(from);
        if (batch) from = batch.through;
        if (batch && batch.length > 0) {
          unreported = null;
          reportedAt = Date.now();
          yield batch;
          if (batch.length === batchSize) continue;
        } else if (batch) unreported = batch.through;
        // At an interval, every read is rare enough to say how far it went.
        if (unreported && (intervalMs !== undefined || Date.now() - reportedAt >= PROGRESS_EVERY_MS)) {
          const progress = eventBatch([], unreported);
          unreported = null;
          reportedAt = Date.now();
          yield progress;
        }
        if (intervalMs !== undefined) {
          if (!this.closed) await this.sleep(intervalMs);
          continue;
        }
        if (!this.notified && !this.closed) await this.sleep(IDLE_POLL_MS);
        if (!this.closed) await new Promise((resolve) => setTimeout(resolve, LIVE_INTERVAL_MS));
      }
    } finally {
      await unlisten();
    }
  }

  private async readAll(from: Checkpoint | null): Promise<EventBatch | null> {
    const events = await this.store.readAllAfter(from, this.options.prefixes, this.options.batchSize ?? 500);
    return events.length > 0 ? eventBatch(events) : null;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.poke();
  }

  private poke(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Until `ms` have passed, or a notification or `close` wakes it. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
