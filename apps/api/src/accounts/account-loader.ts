import {
  evolve,
  fromSnapshot,
  initialState,
  oldestOpenMonth,
  snapshotOf,
  type Account,
  type PeriodTransition,
} from '@tally/domain';
import { deserialize, streamNames, type AccountEvent, type AccountRootEvent, type PeriodOpened } from '@tally/events';
import type { ClaimKey, EventStore, ExpectedRevision, RecordedEvent } from '@tally/eventstore';
import type { AccountCache } from './account-cache';
import type { AccountHandlerOptions } from './account-handler-options';

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

/** A folded state as the cache keeps it: its period stream and the revision folded up to. */
export interface Cached {
  state: Account;
  stream: string;
  revision: bigint;
  /** Another writer appended after it (an append at its revision conflicted): catch up before use. */
  stale?: boolean;
  /** Revision of the newest snapshot of `stream` known to be saved (or being saved). */
  snapshotAt?: bigint;
}

/**
 * Reads accounts for the AccountHandler: follows the root stream to the newest period and folds
 * the streams of the idempotency window, from the newest snapshot where there is one, a page at a
 * time. Folded states are kept in the handler's cache; a cached state is used as it is, or caught
 * up (reading only the events appended since) once another writer got in between. Snapshots are
 * saved off the request path.
 */
export class AccountLoader {
  constructor(
    private readonly store: EventStore,
    private readonly cache: AccountCache<Cached>,
    private readonly options: AccountHandlerOptions,
  ) {}

  /**
   * Reads and folds the account's newest period; `now` bounds how far back the idempotency window
   * reaches. With `fresh`, a cached state is caught up with the store first (a dry run, which has
   * no append to detect another writer with); otherwise it is used as it is. `root`: the last
   * event of its root stream, read by the caller, for an account not cached.
   */
  async load(account: string, now: string, fresh: boolean, root?: { last: RecordedEvent | null }): Promise<LoadedAccount> {
    const current = (await this.catchUp(account, fresh)) ?? (await this.coldLoad(account, now, root));
    if ('registered' in current) return current;
    this.cache.set(account, current);
    return loadedFrom(account, current);
  }

  /**
   * {@link load} (not `fresh`) of an account cached here and not stale, at once: no read and no
   * promise, the cache touched as `load` touches it. Null when it is not so (then `load` reads).
   */
  loadCached(account: string): LoadedAccount | null {
    const cached = this.cache.get(account);
    if (!cached || cached.stale) return null;
    this.cache.set(account, cached);
    return loadedFrom(account, cached);
  }

  /**
   * The account as cached here, caught up with the store, and what the claims index holds for
   * `claims`, read in one statement where the store can (a dry run's one wait, and one connection);
   * null when it is not cached, or stale (the ordinary {@link load} then reads it). The state is
   * the one read, whatever this process appended meanwhile; the cache keeps it only if nothing
   * replaced or staled its entry while the read was out.
   */
  async freshen(
    account: string,
    claims: { account: string; keys: ClaimKey[]; now: string } | null,
  ): Promise<{ loaded: LoadedAccount; claimed: RecordedEvent[] } | null> {
    const cached = this.cache.get(account);
    if (!cached || cached.stale) return null;
    const { events, claimed } = await this.store.readStreamWithClaimed(cached.stream, cached.revision + 1n, claims);
    const current = await this.followClosed(account, events.length ? fold(cached, events) : cached);
    if (current !== cached && this.cache.get(account) === cached && !cached.stale) this.cache.set(account, current);
    const { state, stream, revision } = current;
    return { loaded: { account, state, stream, revision, registered: null, opening: null }, claimed };
  }

  private async catchUp(account: string, mustRead: boolean): Promise<Cached | null> {
    const cached = this.cache.get(account);
    if (!cached) return null;
    if (!cached.stale && (!mustRead || this.options.soleWriter)) return cached;
    const since = await this.store.readStream(cached.stream, cached.revision + 1n);
    const current = since.length ? fold(cached, since) : { ...cached, stale: false };
    return this.followClosed(account, current);
  }

  /** Reads the account from its root stream's last event (`root.last` when the caller read it already). */
  private async coldLoad(account: string, now: string, root?: { last: RecordedEvent | null }): Promise<Cached | LoadedAccount> {
    const pointer = root ? root.last : await this.store.readLastEvent(streamNames.accountRoot(account));
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
      folded = fold(folded, page);
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
    return tail.length ? fold(loaded, tail) : loaded;
  }

  /**
   * Saves a snapshot of the state once `snapshotEvery` events were appended to its stream since the
   * last one, after the current turn of the event loop (never delaying the answer). A failure only
   * costs a longer load later: it is reported, never thrown.
   */
  maybeSnapshot(entry: Cached): void {
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
}

/** `from` with `events`, read from its stream after its revision, folded in. */
function fold(from: Cached, events: RecordedEvent[]): Cached {
  const state = events.map((e) => deserialize(e) as AccountEvent).reduce(evolve, from.state);
  return { state, stream: from.stream, revision: events[events.length - 1].revision, snapshotAt: from.snapshotAt };
}

/** An account as cached here, ready to decide on: registered before, nothing to open. */
function loadedFrom(account: string, { state, stream, revision }: Cached): LoadedAccount {
  return { account, state, stream, revision, registered: null, opening: null };
}
