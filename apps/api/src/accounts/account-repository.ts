import {
  closeBooks,
  evolve,
  initialState,
  monthOf,
  oldestOpenMonth,
  openAccount,
  openFirstPeriod,
  periodStarted,
  type Account,
} from '@tally/domain';
import { deserialize, serialize, streamNames, type AccountEvent, type AccountRootEvent, type PeriodOpened } from '@tally/events';
import type { EventStore, ExpectedRevision, RecordedEvent } from '@tally/eventstore';

/** An account's state, loaded where it can be decided on and appended to. */
export interface LoadedAccount {
  account: string;
  state: Account;
  /** The open period stream, and the revision to append at. */
  stream: string;
  revision: ExpectedRevision;
  /** Events of a brand-new account's first period, appended with the first decision. */
  opening: AccountEvent[];
  /** Whether the root stream already registers the account (only read for a new one). */
  registered: boolean;
}

interface Cached {
  state: Account;
  stream: string;
  revision: bigint;
}

const CACHE_LIMIT = 20_000;

/**
 * Loads and stores account aggregates over the period streams. Loading follows the root
 * stream to the open period, folds the streams of the idempotency window, and closes the
 * books when the calendar has moved on. States are cached and caught up by reading only the
 * events appended since, so a busy account costs one small read per decision batch.
 */
export class AccountRepository {
  private readonly cache = new Map<string, Cached>();

  /**
   * @param soleWriter true when no other process can append (embedded PGlite): cached states are
   * then current and need no catch-up read. The expected-revision check still guards appends.
   */
  constructor(
    private readonly store: EventStore,
    private readonly defaultCredits: number,
    private readonly soleWriter = false,
  ) {}

  /**
   * The account as of now. With `write`, also closes the books of a past period first; a
   * dry run never writes.
   */
  async load(account: string, now: string, write: boolean): Promise<LoadedAccount> {
    let current = await this.catchUp(account);
    if (!current) {
      const cold = await this.coldLoad(account, now);
      if ('opening' in cold) return cold;
      current = cold;
    }
    if (write && current.state.period !== null && monthOf(now) > current.state.period) {
      current = await this.rollOver(account, current, monthOf(now), now);
    }
    this.remember(account, current);
    return { account, state: current.state, stream: current.stream, revision: current.revision, opening: [], registered: true };
  }

  /** Appends decided events at the loaded revision; throws WrongExpectedRevisionError if another writer won. */
  async append(loaded: LoadedAccount, events: AccountEvent[], after: Account): Promise<void> {
    // A new account opens with its first recorded event: a refused command (404, 409) writes nothing.
    if (events.length === 0) return;
    const all = [...loaded.opening, ...events];
    try {
      if (loaded.opening.length > 0 && !loaded.registered) await this.registerAccount(loaded.account, all[0] as PeriodOpened);
      const { nextRevision } = await this.store.appendToStream(loaded.stream, all.map(serialize), loaded.revision);
      this.remember(loaded.account, { state: after, stream: loaded.stream, revision: nextRevision });
    } catch (error) {
      this.cache.delete(loaded.account);
      throw error;
    }
  }

  /** Forgets a cached state, e.g. after a failed append. */
  forget(account: string): void {
    this.cache.delete(account);
  }

  private remember(account: string, cached: Cached): void {
    // Map keeps insertion order: re-inserting marks the account as recently used.
    this.cache.delete(account);
    this.cache.set(account, cached);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
  }

  private async catchUp(account: string): Promise<Cached | null> {
    const cached = this.cache.get(account);
    if (!cached) return null;
    if (this.soleWriter) return cached;
    const fresh = await this.store.readStream(cached.stream, cached.revision + 1n);
    const current = fresh.length ? this.fold(cached, fresh) : cached;
    return current.state.next === null ? current : this.followClosed(account, current);
  }

  private async coldLoad(account: string, now: string): Promise<Cached | LoadedAccount> {
    const pointer = await this.store.readLastEvent(streamNames.accountRoot(account));
    const period = pointer ? (deserialize(pointer) as AccountRootEvent).data.period : null;
    const stream = period ? await this.store.readStream(streamNames.accountPeriod(account, period)) : [];
    if (!period || stream.length === 0) {
      // A new account, or one whose first period was registered but never written.
      const first = period ?? monthOf(now);
      const opening = openFirstPeriod(account, first, this.defaultCredits, now);
      const state = opening.reduce(evolve, initialState());
      return {
        account,
        state,
        stream: streamNames.accountPeriod(account, first),
        revision: 'no_stream',
        opening,
        registered: pointer !== null,
      };
    }
    const history = await this.readWindow(account, stream, now);
    const state = [...history, ...stream].map((e) => deserialize(e) as AccountEvent).reduce(evolve, initialState());
    const current = { state, stream: streamNames.accountPeriod(account, period), revision: stream[stream.length - 1].revision };
    return current.state.next === null ? current : this.followClosed(account, current);
  }

  /** Events of the earlier periods that still matter for idempotency, oldest first. */
  private async readWindow(account: string, newest: RecordedEvent[], now: string): Promise<RecordedEvent[]> {
    const oldest = oldestOpenMonth(now);
    const earlier: RecordedEvent[][] = [];
    let previous = (deserialize(newest[0]) as PeriodOpened).data.previous;
    while (previous !== null && previous >= oldest) {
      const events = await this.store.readStream(streamNames.accountPeriod(account, previous));
      if (events.length === 0) break;
      earlier.unshift(events);
      previous = (deserialize(events[0]) as PeriodOpened).data.previous;
    }
    return earlier.flat();
  }

  /** Follows closed periods to the open one, opening it if a writer stopped between close and open. */
  private async followClosed(account: string, closed: Cached): Promise<Cached> {
    let current = closed;
    while (current.state.next !== null) {
      const next = current.state.next;
      const stream = streamNames.accountPeriod(account, next);
      let events = await this.store.readStream(stream);
      if (events.length === 0) {
        const { opening } = closeBooks(current.state, next, new Date().toISOString());
        await this.store.appendToStream(stream, [serialize(opening)], 'no_stream');
        events = await this.store.readStream(stream);
      }
      current = this.fold({ ...current, stream, revision: -1n }, events);
    }
    return current;
  }

  /** Closes the open period and opens `period`: close (at the revision read), open, then point the root at it. */
  private async rollOver(account: string, current: Cached, period: string, now: string): Promise<Cached> {
    const { closing, opening } = closeBooks(current.state, period, now);
    await this.store.appendToStream(current.stream, [serialize(closing)], current.revision);
    const stream = streamNames.accountPeriod(account, period);
    const { nextRevision } = await this.store.appendToStream(stream, [serialize(opening)], 'no_stream');
    await this.store.appendToStream(streamNames.accountRoot(account), [serialize(periodStarted(account, period, now))], 'any');
    return { state: evolve(evolve(current.state, closing), opening), stream, revision: nextRevision };
  }

  private async registerAccount(account: string, opened: PeriodOpened): Promise<void> {
    const root = streamNames.accountRoot(account);
    const existing = await this.store.readLastEvent(root);
    if (existing) return;
    await this.store.appendToStream(
      root,
      [serialize(openAccount(account, opened.data.period, opened.data.openedAt))],
      'no_stream',
    );
  }

  private fold(from: Cached, events: RecordedEvent[]): Cached {
    const state = events.map((e) => deserialize(e) as AccountEvent).reduce(evolve, from.state);
    return { state, stream: from.stream, revision: events[events.length - 1].revision };
  }
}
