import { RECENT_IDS, withRecentLimit, type Account } from '@tally/domain';
import { LruMap } from '../runtime/lru-map';

/** The fewest bytes of recent ids a cached account keeps (two decisions or so), however many accounts share the budget. */
export const MIN_RECENT_BYTES = 1024;

/**
 * The folded states of the accounts a process decides on: at most `size` accounts, least recently
 * used dropped first, and about `budget` bytes of remembered decisions and holds across all of
 * them (as `Recent` weighs them: JSON text plus a fixed overhead per id). Each account's window is
 * its share of the budget — at least {@link MIN_RECENT_BYTES}, at most {@link RECENT_IDS} ids — so
 * one hot account keeps the whole window while thousands keep a few ids each: memory is bounded
 * by the budget (or size × the minimum), not by accounts × traffic. An id forgotten early is
 * answered from the store's claims index, as any id older than the window
 * (docs/architecture.md "Bounded accounts").
 */
export class AccountCache<E extends { state: Account }> {
  private readonly entries: LruMap<string, E>;
  /** The share every entry was trimmed to at the last sweep, or a larger one given since. */
  private swept = Infinity;

  constructor(
    size: number,
    private readonly budget: number,
  ) {
    this.entries = new LruMap(size);
  }

  /** The bytes of recent ids each cached account may keep now (decisions, and as many holds). */
  get share(): number {
    return Math.max(MIN_RECENT_BYTES, Math.floor(this.budget / 2 / Math.max(1, this.entries.size)));
  }

  get(account: string): E | undefined {
    return this.entries.get(account);
  }

  /** Caches `entry` as the most recently used, its state's windows cut to the current share. */
  set(account: string, entry: E): void {
    this.entries.set(account, entry);
    const share = this.share;
    entry.state = withinShare(entry.state, share);
    // More accounts share the budget: the others' windows shrink too, in steps (each sweep is
    // one pass over the cache), so that the total stays within about 5/4 of the budget.
    if (share * 5 <= this.swept * 4) {
      this.swept = share;
      for (const cached of this.entries.values()) cached.state = withinShare(cached.state, share);
    } else if (share > this.swept) {
      this.swept = share;
    }
  }

  delete(account: string): void {
    this.entries.delete(account);
  }
}

function withinShare(state: Account, share: number): Account {
  const { ids, bytes } = state.decisions.capacity;
  return ids === RECENT_IDS && bytes === share && state.holds.capacity.bytes === share
    ? state
    : withRecentLimit(state, RECENT_IDS, share);
}
