import type { Checkpoint, RecordedEvent, SubscribeOptions, Subscription } from '../event-store';
import { APPEND_CHANNEL } from './schema';
import type { SqlClient } from './sql-client';
import type { SqlEventStore } from './sql-event-store';

// Without a notification (another process's NOTIFY lost, say) the subscriber still polls this often.
const IDLE_POLL_MS = 500;
// Once caught up, pages are read at most this often: under load a page then holds many events
// (one transaction for the reader instead of one per event), at the cost of this much lag.
const LIVE_INTERVAL_MS = 25;

/** Catches up page by page, then waits for an append notification (or the idle poll) between pages. */
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

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent[]> {
    const unlisten = await this.db.listen(APPEND_CHANNEL, (lost) => {
      if (lost) this.lost = lost;
      this.poke();
    });
    let from: Checkpoint | null = this.options.from;
    const batchSize = this.options.batchSize ?? 500;
    try {
      while (!this.closed) {
        // Without notifications this would still poll; failing makes the owner subscribe afresh.
        if (this.lost) throw this.lost;
        this.notified = false;
        const batch = await this.store.readAllAfter(from, this.options.prefixes, batchSize);
        if (batch.length > 0) {
          from = batch[batch.length - 1].position;
          yield batch;
          if (batch.length === batchSize) continue;
        }
        if (!this.notified && !this.closed) await this.sleep();
        if (!this.closed) await new Promise((resolve) => setTimeout(resolve, LIVE_INTERVAL_MS));
      }
    } finally {
      await unlisten();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.poke();
  }

  private poke(): void {
    this.notified = true;
    this.wake?.();
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, IDLE_POLL_MS);
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
