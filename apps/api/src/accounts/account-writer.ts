import { claimsOf, decideBooks, evolve, type Account, type PeriodTransition } from '@tally/domain';
import { serialize, streamNames, type AccountEvent, type AccountRootEvent } from '@tally/events';
import {
  GroupCommit,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type StreamAppend,
} from '@tally/eventstore';
import type { AccountCache } from './account-cache';
import type { AccountHandlerOptions } from './account-handler-options';
import type { AccountLoader, Cached, LoadedAccount } from './account-loader';

/**
 * Writes accounts for the AccountHandler: moves an account's books as the domain decides before it
 * is decided on, appends decided events at the loaded revision (a new account registered with its
 * first ones) and the parts of a tree move. Decided events of all accounts go to the store through
 * one group commit; each claims its (source, id) in the store's duplicate index in the same append.
 * The cache follows what was appended; a conflict marks it stale, any other failure drops it.
 */
export class AccountWriter {
  private readonly commits: GroupCommit;

  constructor(
    private readonly store: EventStore,
    private readonly cache: AccountCache<Cached>,
    private readonly loader: AccountLoader,
    private readonly options: AccountHandlerOptions,
  ) {
    this.commits = new GroupCommit(store, options.groupCommit);
  }

  /**
   * The account ready to decide on at `now`, the books moved as the domain decides: a new account
   * opens (appended with its first decision), a half-done move completes and, when `closeBooks`,
   * a past period closes. Without `write` (a dry run) the moves are folded in memory only. With
   * `from`, the account as already read is used instead of loading it.
   */
  async loadAt(
    account: string,
    now: string,
    {
      closeBooks,
      fresh = false,
      write = true,
      defaultCredits = this.options.defaultCredits,
      from,
    }: { closeBooks: boolean; fresh?: boolean; write?: boolean; defaultCredits?: number; from?: LoadedAccount },
  ): Promise<LoadedAccount> {
    let loaded = from ?? (await this.loader.load(account, now, fresh));
    const opened = openedAt(loaded, now, defaultCredits);
    if (opened) return opened;
    const move = (transition: PeriodTransition) =>
      write ? this.appendTransition(loaded, transition) : withTransition(loaded, transition);
    const resumed = decideBooks({ type: 'OpenNextPeriod', account, now }, loaded.state);
    if (resumed) loaded = await move(resumed);
    const closed = closeBooks ? decideBooks({ type: 'ClosePeriod', account, now }, loaded.state) : null;
    return closed ? move(closed) : loaded;
  }

  /**
   * {@link loadAt} with `closeBooks`, writing, at once (no promise) where it would neither read nor
   * write: the account as read (`from`) or cached here and not stale, and no period to close or
   * open now (a new account's opening is folded in, as `loadAt` does). Null otherwise: then `loadAt`.
   */
  loadedNow(account: string, now: string, from?: LoadedAccount): LoadedAccount | null {
    const loaded = from ?? this.loader.loadCached(account);
    if (!loaded) return null;
    const opened = openedAt(loaded, now, this.options.defaultCredits);
    if (opened) return opened;
    if (decideBooks({ type: 'OpenNextPeriod', account, now }, loaded.state)) return null;
    if (decideBooks({ type: 'ClosePeriod', account, now }, loaded.state)) return null;
    return loaded;
  }

  /**
   * Appends the events of a tree move, each part at its loaded revision (a new account registered
   * with it), all or nothing where the store can; then forgets the states it moved.
   */
  async appendMove(parts: Array<[LoadedAccount | null, AccountEvent[]]>): Promise<void> {
    const appends: StreamAppend[] = [];
    for (const [loaded, events] of parts) {
      if (!loaded || events.length === 0) continue;
      const all = [...(loaded.opening?.opening ?? []), ...events];
      const root = loaded.opening?.root ?? [];
      if (root.length > 0) {
        appends.push({ stream: streamNames.accountRoot(loaded.account), events: root.map(serialize), expected: 'no_stream' });
      }
      appends.push({
        stream: loaded.stream as string,
        events: all.map(serialize),
        expected: loaded.revision,
        claims: claimsOf(all),
      });
    }
    try {
      if (appends.length > 0) await this.commits.appendAtomically(appends);
    } finally {
      for (const [loaded] of parts) if (loaded) this.cache.delete(loaded.account);
    }
  }

  /** Moves the books now: closes the loaded stream (at its revision), opens the next, then points the root at it. */
  private async appendTransition(loaded: LoadedAccount, transition: PeriodTransition): Promise<LoadedAccount> {
    const { account } = loaded;
    try {
      if (transition.closing.length > 0) {
        await this.store.appendToStream(loaded.stream as string, transition.closing.map(serialize), loaded.revision);
      }
      const stream = streamNames.accountPeriod(account, transition.period);
      const { nextRevision } = await this.store.appendToStream(stream, transition.opening.map(serialize), 'no_stream');
      if (transition.root.length > 0) {
        await this.store.appendToStream(streamNames.accountRoot(account), transition.root.map(serialize), 'any');
      }
      const state = [...transition.closing, ...transition.opening].reduce(evolve, loaded.state);
      this.cache.set(account, { state, stream, revision: nextRevision });
      return { ...loaded, state, stream, revision: nextRevision };
    } catch (error) {
      this.forget(account, error);
      throw error;
    }
  }

  /** Appends decided events at the loaded revision; throws WrongExpectedRevisionError if another writer won. */
  async append(loaded: LoadedAccount, events: AccountEvent[], after: Account): Promise<void> {
    // A new account opens with its first recorded event: a refused command (404, 409) writes nothing.
    if (events.length === 0) return;
    const all = [...(loaded.opening?.opening ?? []), ...events];
    try {
      // Every decision claims its (source, id) in the same statement: the durable duplicate index.
      const period: StreamAppend = {
        stream: loaded.stream as string,
        events: all.map(serialize),
        expected: loaded.revision,
        claims: claimsOf(all),
      };
      const root = loaded.opening?.root ?? [];
      const { nextRevision } =
        root.length > 0
          ? await this.register(loaded.account, root, period)
          : await this.commits.append(period.stream, period.events, period.expected, period.claims);
      const previous = this.cache.get(loaded.account);
      const snapshotAt = previous?.stream === loaded.stream ? previous.snapshotAt : undefined;
      const entry: Cached = { state: after, stream: loaded.stream as string, revision: nextRevision, snapshotAt };
      this.cache.set(loaded.account, entry);
      this.loader.maybeSnapshot(entry);
    } catch (error) {
      this.forget(loaded.account, error);
      throw error;
    }
  }

  /**
   * Registers a new account: its root stream (`AccountOpened`) and its first period (opening events
   * and first decisions) in one atomic append, so a writer stopped at any point leaves the whole
   * account or none of it. A conflict on either (another writer registered it first) writes neither
   * and is retried on fresh state like any conflict. It rides the group commit with the other
   * accounts' decisions, as one unit of its statement. On a store without multi-stream transactions
   * (EventStoreDB) the root goes first: a stop in between leaves a root naming a period with no
   * stream, which the next load opens (with its default credits, once), never a period stream no
   * root points at (docs/architecture.md "Bounded accounts", Registration).
   */
  private async register(account: string, events: AccountRootEvent[], period: StreamAppend): Promise<AppendResult> {
    const [, appended] = await this.commits.appendAtomically([
      { stream: streamNames.accountRoot(account), events: events.map(serialize), expected: 'no_stream' },
      period,
    ]);
    return appended;
  }

  /**
   * After a failed append: a conflict means another writer appended, so the cached state is
   * caught up from its revision on next use; any other failure drops it (the next load reads afresh).
   */
  private forget(account: string, error: unknown): void {
    const cached = this.cache.get(account);
    if (cached && error instanceof WrongExpectedRevisionError) cached.stale = true;
    else this.cache.delete(account);
  }
}

/** A new account as it will be once its opening is appended with its first decision (null: not new); writes nothing. */
function openedAt(loaded: LoadedAccount, now: string, defaultCredits: number): LoadedAccount | null {
  const opening = decideBooks(
    { type: 'OpenAccount', account: loaded.account, registered: loaded.registered, defaultCredits, now },
    loaded.state,
  );
  return opening ? withOpening(loaded, opening) : null;
}

/** The account as it will be once `opening` is appended with its first decision; writes nothing. */
function withOpening(loaded: LoadedAccount, opening: PeriodTransition): LoadedAccount {
  const state = opening.opening.reduce(evolve, loaded.state);
  return {
    ...loaded,
    state,
    stream: streamNames.accountPeriod(loaded.account, opening.period),
    revision: 'no_stream',
    opening,
  };
}

/** The account as it would be once `transition` is appended; writes nothing (a dry run, never appended to or cached). */
function withTransition(loaded: LoadedAccount, transition: PeriodTransition): LoadedAccount {
  const state = [...transition.closing, ...transition.opening].reduce(evolve, loaded.state);
  return { ...loaded, state, stream: streamNames.accountPeriod(loaded.account, transition.period), revision: 'no_stream' };
}
