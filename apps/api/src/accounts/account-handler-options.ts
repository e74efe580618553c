import type { GroupCommitOptions } from '@tally/eventstore';

export interface AccountHandlerOptions {
  /** Credits a new account opens with. */
  defaultCredits: number;
  /** Most commands of one account decided and appended together. */
  maxBatch: number;
  /** How often and how patiently a batch is decided again after another writer got in between. */
  retry: { attempts: number; baseDelayMs: number };
  /** Told of every conflict (a batch decided again). */
  onConflict?: () => void;
  /** Accounts whose folded state stays in memory, least recently used dropped first. */
  cacheSize: number;
  /**
   * Bytes of recent decisions and holds remembered across all cached accounts, each account's
   * window being its share (see AccountCache): with `cacheSize`, what bounds the cache's memory.
   */
  recentBudget: number;
  /**
   * True when no other process can append (embedded PGlite): even a dry run may trust the cache.
   * Deciding always trusts it (the expected revision catches another writer).
   */
  soleWriter: boolean;
  /** How decided events of many accounts are committed together. */
  groupCommit: GroupCommitOptions;
  /** Events appended to a period stream between two snapshots of the account (saved off the request path). */
  snapshotEvery: number;
  /** Told of every cold load: whether it started from a snapshot, and how many events it read. */
  onLoad?: (load: { snapshot: boolean; events: number }) => void;
  /** Told when a snapshot could not be saved (the account then loads from an older one). */
  onSnapshotError?: (error: unknown) => void;
}

/** No default credits; batches of 500; 10,000 accounts cached, 32 MiB of recent ids among them; groups of up to 500 accounts, two in flight. */
export const HANDLER_DEFAULTS: AccountHandlerOptions = {
  defaultCredits: 0,
  maxBatch: 500,
  retry: { attempts: 50, baseDelayMs: 5 },
  cacheSize: 10_000,
  recentBudget: 32 * 1024 * 1024,
  soleWriter: false,
  snapshotEvery: 1000,
  groupCommit: { maxStreams: 500, maxInFlight: 2 },
};
