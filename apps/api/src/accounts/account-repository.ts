import {
  claimsOf,
  evolve,
  fromSnapshot,
  initialState,
  oldestOpenMonth,
  snapshotOf,
  type Account,
  type PeriodTransition,
} from '@tally/domain';
import { deserialize, serialize, streamNames, type AccountEvent, type AccountRootEvent, type PeriodOpened } from '@tally/events';
import {
  GroupCommit,
  WrongExpectedRevisionError,
  type AppendResult,
  type ClaimKey,
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
  type StreamAppend,
} from '@tally/eventstore';
import { LruMap } from '../runtime/lru-map';
import { REPOSITORY_DEFAULTS, type RepositoryOptions } from './repository-options';

/** Events read per query when an account is folded from its streams. */
const LOAD_PAGE = 5000;

/** An account's state, loaded where it can be decided on and appended to. */
export interface LoadedAccount {
  account: string;
  state: Account;
  /** The period stream decisions go to, and the revision to append at; null before an account opens. */
  stream: string | null;
  revision: ExpectedRevision;
  /** The period the root stream registers when no period stream was written (a new account: null). */
  registered: string | null;
  /** A new account's opening, appended together with its first decided events. */
  opening: PeriodTransition | null;
}

interface Cached {
  state: Account;
  stream: string;
  revision: bigint;
  /** Another writer appended after it (an append at its revision conflicted): catch up before use. */
  stale?: boolean;
  /** Revision of the newest snapshot of `stream` known to be saved (or being saved). */
  snapshotAt?: bigint;
}

/**
 * Loads, folds and appends account aggregates over the period streams; every rule about when
 * the books move lives in the domain (`decideBooks`). Loading follows the root stream to the
 * newest period and folds the streams of the idempotency window. States are cached: an account
 * this process decides on is appended to at its cached revision without reading the store first,
 * and caught up (reading only the events appended since) only after another writer got in
 * between, which the append's expected-revision check reports. Decided events of all accounts go
 * to the store through one group commit.
 */
export class AccountRepository {
  private readonly cache: LruMap<string, Cached>;
  private readonly commits: GroupCommit;
  private readonly options: RepositoryOptions;

  constructor(
    private readonly store: EventStore,
    options: Partial<RepositoryOptions> = {},
  ) {
    this.options = { ...REPOSITORY_DEFAULTS, ...options };
    this.commits = new GroupCommit(store, this.options.groupCommit);
    this.cache = new LruMap(this.options.cacheSize);
  }

  /**
   * Reads and folds the account's newest period; `now` bounds how far back the idempotency window
   * reaches. With `fresh`, a cached state is caught up with the store first (a dry run, which has
   * no append to detect another writer with); otherwise it is used as it is.
   */
  async load(account: string, now: string, fresh = false): Promise<LoadedAccount> {
    const current = (await this.catchUp(account, fresh)) ?? (await this.coldLoad(account, now));
    if ('registered' in current) return current;
    this.cache.set(account, current);
    return { account, state: current.state, stream: current.stream, revision: current.revision, registered: null, opening: null };
  }

  /** The account as it will be once `opening` is appended with its first decision; writes nothing. */
  withOpening(loaded: LoadedAccount, opening: PeriodTransition): LoadedAccount {
    const state = opening.opening.reduce(evolve, loaded.state);
    return {
      ...loaded,
      state,
      stream: streamNames.accountPeriod(loaded.account, opening.period),
      revision: 'no_stream',
      opening,
    };
  }

  /** The account as it would be once `transition` is appended; writes nothing (a dry run). */
  async withTransition(loaded: LoadedAccount, transition: PeriodTransition): Promise<LoadedAccount> {
    const state = [...transition.closing, ...transition.opening].reduce(evolve, loaded.state);
    // Appended at no revision: a dry run's state is never appended to or cached.
    return { ...loaded, state, stream: streamNames.accountPeriod(loaded.account, transition.period), revision: 'no_stream' };
  }

  /** Moves the books now: closes the loaded stream (at its revision), opens the next, then points the root at it. */
  async appendTransition(loaded: LoadedAccount, transition: PeriodTransition): Promise<LoadedAccount> {
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
      this.maybeSnapshot(entry);
    } catch (error) {
      this.forget(loaded.account, error);
      throw error;
    }
  }

  /**
   * What the account decided under each of `keys` within the idempotency window that ends at
   * `now`, from the store's claims index: for the ids its bounded memory no longer holds.
   */
  async recalled(account: string, keys: ClaimKey[], now: string): Promise<AccountEvent[]> {
    if (keys.length === 0) return [];
    return (await this.store.readClaimed(account, keys, now)).map((e) => deserialize(e) as AccountEvent);
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

  private async catchUp(account: string, mustRead: boolean): Promise<Cached | null> {
    const cached = this.cache.get(account);
    if (!cached) return null;
    if (!cached.stale && (!mustRead || this.options.soleWriter)) return cached;
    const since = await this.store.readStream(cached.stream, cached.revision + 1n);
    const current = since.length ? this.fold(cached, since) : { ...cached, stale: false };
    return this.followClosed(account, current);
  }

  private async coldLoad(account: string, now: string): Promise<Cached | LoadedAccount> {
    const pointer = await this.store.readLastEvent(streamNames.accountRoot(account));
    const period = pointer ? (deserialize(pointer) as AccountRootEvent).data.period : null;
    const stream = period ? streamNames.accountPeriod(account, period) : null;
    const snapshotted = stream ? await this.fromSnapshot(stream) : null;
    if (snapshotted) return this.followClosed(account, snapshotted);
    const [first] = stream ? await this.store.readStream(stream, 0n, 1) : [];
    if (!period || !stream || !first) {
      // A new account, or one whose first period was registered but never written.
      return { account, state: initialState(), stream: null, revision: 'no_stream', registered: period, opening: null };
    }
    const earlier = await this.windowStreams(account, first, now);
    // The open period has no snapshot yet (a month just begun): start from the newest snapshot of
    // the earlier periods of the window, which stands for every stream before it.
    let folded: Cached = { state: initialState(), stream, revision: -1n };
    let start = 0;
    let snapshot = false;
    for (let i = earlier.length - 1; i >= 0 && !snapshot; i--) {
      const saved = await this.store.readSnapshot(earlier[i]);
      const state = saved ? fromSnapshot(saved.data) : null;
      if (saved && state) [folded, start, snapshot] = [{ state, stream: earlier[i], revision: saved.revision }, i, true];
    }
    let events = 0;
    for (const [i, next] of [...earlier.slice(start), stream].entries()) {
      const read = await this.foldStream(snapshot && i === 0 ? folded : { ...folded, stream: next, revision: -1n });
      events += read.events;
      folded = read.folded;
    }
    const current = folded;
    this.options.onLoad?.({ snapshot, events });
    this.maybeSnapshot(current);
    return this.followClosed(account, current);
  }

  /**
   * Folds the events of `from.stream` after `from.revision`, a page at a time, so that loading a
   * month that has no snapshot (or whose snapshots were all deleted) holds one page in memory, not
   * the month.
   */
  private async foldStream(from: Cached): Promise<{ folded: Cached; events: number }> {
    let folded = from;
    let events = 0;
    for (;;) {
      const page = await this.store.readStream(folded.stream, folded.revision + 1n, LOAD_PAGE);
      if (page.length === 0) return { folded, events };
      folded = this.fold(folded, page);
      events += page.length;
      if (page.length < LOAD_PAGE) return { folded, events };
    }
  }

  /**
   * The stream's newest snapshot plus the events after it, or null when there is none, or it is
   * of a version this code does not read (then the stream is folded from its start).
   */
  private async fromSnapshot(stream: string): Promise<Cached | null> {
    const snapshot = await this.store.readSnapshot(stream);
    const state = snapshot ? fromSnapshot(snapshot.data) : null;
    if (!snapshot || !state) return null;
    const tail = await this.store.readStream(stream, snapshot.revision + 1n);
    this.options.onLoad?.({ snapshot: true, events: tail.length });
    const loaded: Cached = { state, stream, revision: snapshot.revision, snapshotAt: snapshot.revision };
    return tail.length ? this.fold(loaded, tail) : loaded;
  }

  /**
   * Saves a snapshot of the state once `snapshotEvery` events were appended to its stream since the
   * last one, after the current turn of the event loop (never delaying the answer). A failure only
   * costs a longer load later: it is reported, never thrown.
   */
  private maybeSnapshot(entry: Cached): void {
    if (entry.revision - (entry.snapshotAt ?? -1n) < BigInt(this.options.snapshotEvery)) return;
    entry.snapshotAt = entry.revision;
    const { stream, revision, state } = entry;
    setImmediate(() => {
      this.store
        .writeSnapshot(stream, { revision, data: snapshotOf(state) })
        .catch((error: unknown) => this.options.onSnapshotError?.(error));
    });
  }

  /** The streams of the earlier periods that still matter (open holds, grants, recent ids), oldest first. */
  private async windowStreams(account: string, newest: RecordedEvent, now: string): Promise<string[]> {
    const oldest = oldestOpenMonth(now);
    const earlier: string[] = [];
    let previous = (deserialize(newest) as PeriodOpened).data.previous;
    while (previous !== null && previous >= oldest) {
      const stream = streamNames.accountPeriod(account, previous);
      const [first] = await this.store.readStream(stream, 0n, 1);
      if (!first) break;
      earlier.unshift(stream);
      previous = (deserialize(first) as PeriodOpened).data.previous;
    }
    return earlier;
  }

  /** Follows closed periods to the newest written one; its `next` stays set if a writer stopped before opening it. */
  private async followClosed(account: string, closed: Cached): Promise<Cached> {
    let current = closed;
    while (current.state.next !== null) {
      const stream = streamNames.accountPeriod(account, current.state.next);
      const { folded, events } = await this.foldStream({ ...current, stream, revision: -1n, snapshotAt: undefined });
      if (events === 0) return current;
      current = folded;
    }
    return current;
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

  private fold(from: Cached, events: RecordedEvent[]): Cached {
    const state = events.map((e) => deserialize(e) as AccountEvent).reduce(evolve, from.state);
    return { state, stream: from.stream, revision: events[events.length - 1].revision, snapshotAt: from.snapshotAt };
  }
}
