import { CLAIM_WINDOW_DAYS, type EventStore } from '@tally/eventstore';
import type { Logger } from '@tally/runtime';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Forgets claims older than the 35-day duplicate window (they answer for nothing any more), on a
 * timer off the request path: one indexed DELETE per run, so the claims table holds about 35
 * days of decisions whatever the history. Every api instance may run it; the deletes are
 * idempotent. (docs/operations.md "The duplicate index")
 */
export class ClaimsPruner {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Pick<EventStore, 'pruneClaims'>,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Prunes once now, then every `everyMs`. */
  start(everyMs: number): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), everyMs);
    this.timer.unref();
  }

  /** Deletes the claims made before the window that ends now; returns how many (0 if it failed, logged). */
  async runOnce(): Promise<number> {
    try {
      const before = new Date(this.now() - CLAIM_WINDOW_DAYS * DAY_MS).toISOString();
      const pruned = await this.store.pruneClaims(before);
      if (pruned > 0) this.logger.info({ pruned, before }, 'pruned duplicate claims older than the window');
      return pruned;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not prune duplicate claims; will try again');
      return 0;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
