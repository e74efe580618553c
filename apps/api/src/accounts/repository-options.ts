import type { GroupCommitOptions } from '@tally/eventstore';

export interface RepositoryOptions {
  /** Accounts whose folded state stays in memory, least recently used dropped first. */
  cacheSize: number;
  /**
   * True when no other process can append (embedded PGlite): even a dry run may trust the cache.
   * Deciding always trusts it (the expected revision catches another writer).
   */
  soleWriter: boolean;
  /** How decided events of many accounts are committed together. */
  groupCommit: GroupCommitOptions;
  /** Fault injection for the crash tests (test/accounts, test/e2e): called at a named step. */
  faults?: { afterRegistration?: (account: string, registered: boolean) => void };
}

/** 10,000 accounts cached; groups of up to 500 accounts, two in flight. */
export const REPOSITORY_DEFAULTS: RepositoryOptions = {
  cacheSize: 10_000,
  soleWriter: false,
  groupCommit: { maxStreams: 500, maxInFlight: 2 },
};
