import {
  claimsOf,
  decide,
  decideBooks,
  completeMove,
  decideParent,
  decisionFor,
  DomainError,
  evolve,
  fromSnapshot,
  holdFor,
  initialState,
  oldestOpenMonth,
  recall,
  snapshotOf,
  treeViewOf,
  type Account,
  type AccountCommand,
  type PeriodTransition,
  type TreeView,
} from '@tally/domain';
import { deserialize, serialize, streamNames, type AccountEvent, type AccountRootEvent, type PeriodOpened } from '@tally/events';
import {
  EventRejectedError,
  GroupCommit,
  retryOnConflict,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
  type StreamAppend,
} from '@tally/eventstore';
import { AccountCache } from './account-cache';
import { departureOf, lastMoveOf } from './account-tree/move-reads';
import { HANDLER_DEFAULTS, type AccountHandlerOptions } from './account-handler-options';

/** What one command came to: the events it appended (maybe none) and the state after it. */
export type Outcome = { ok: true; events: AccountEvent[]; state: Account } | { ok: false; error: DomainError };

/** Events read per query when an account is folded from its streams. */
const LOAD_PAGE = 5000;

interface Pending {
  command: AccountCommand;
  /** How often the command was sent on to another aggregate (its account moved in or out of a tree). */
  hops: number;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

/** Times a command follows its account into or out of a tree before its answer is the refusal. */
const MAX_HOPS = 3;

/** An account's state, loaded where it can be decided on and appended to. */
interface LoadedAccount {
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
 * The application layer of every account command, in one shape: load the account (snapshot +
 * tail, or the cached fold), move its books as the domain decides, decide with libs/domain, and
 * append with the expected revision, retrying on conflict.
 *
 * Commands are decided per account, one batch at a time: commands that arrive while a batch is
 * being appended wait and go into the next one, so a busy account costs one append per batch
 * instead of one per request, and this process never races itself. Other processes are held off
 * by the expected revision; a conflict re-runs the whole batch on fresh state.
 *
 * Loading follows the root stream to the newest period and folds the streams of the idempotency
 * window. States are cached (at most `cacheSize` accounts): an account this process decides on is
 * appended to at its cached revision without reading the store first, and caught up (reading only
 * the events appended since) only after another writer got in between, which the append's
 * expected-revision check reports. Decided events of all accounts go to the store through one
 * group commit; each claims its (source, id) in the store's duplicate index in the same append.
 */
export class AccountHandler {
  private readonly queues = new Map<string, Pending[]>();
  /** Accounts whose aggregate is being looked up, and the lookup their next command waits for. */
  private readonly resolving = new Map<string, Promise<string>>();
  private readonly cache: AccountCache<Cached>;
  private readonly commits: GroupCommit;
  private readonly options: AccountHandlerOptions;

  constructor(
    private readonly store: EventStore,
    options: Partial<AccountHandlerOptions> = {},
  ) {
    this.options = { ...HANDLER_DEFAULTS, ...options };
    this.commits = new GroupCommit(store, this.options.groupCommit);
    this.cache = new AccountCache(this.options.cacheSize, this.options.recentBudget);
  }

  /**
   * Decides `command` and, unless it is refused, appends its events durably before resolving. A
   * command for a member of an account tree is decided in the tree's aggregate, the root's (queued
   * and batched with the tree's other commands), so no interleaving of the members' requests can
   * take a level past its limit.
   */
  execute(command: AccountCommand): Promise<Outcome> {
    return this.route(command, 0);
  }

  /** Queues `command` in the aggregate its account is decided in now. */
  private route(command: AccountCommand, hops: number): Promise<Outcome> {
    const { account, now } = command;
    return new Promise((resolve, reject) => {
      const pending: Pending = { command, hops, resolve, reject };
      const cached = this.cache.get(account);
      const earlier = this.resolving.get(account);
      if (cached && !cached.stale && !earlier) {
        this.enqueue(cached.state.tree ?? account, pending);
        return;
      }
      // The account is being read: queue behind the commands that came before, in their order,
      // to the aggregate that lookup finds (one read for a burst; a route is only a hint: a
      // command decided in the wrong aggregate is refused there and sent on).
      const lookup = earlier ?? this.aggregateOf(account, now);
      const resolved = lookup.then((aggregate) => this.enqueue(aggregate, pending));
      resolved.catch(reject);
      const next = lookup.catch(() => account);
      this.resolving.set(account, next);
      void next.then(() => {
        if (this.resolving.get(account) === next) this.resolving.delete(account);
      });
    });
  }

  private enqueue(aggregate: string, pending: Pending): string {
    const queue = this.queues.get(aggregate);
    if (queue) queue.push(pending);
    else {
      this.queues.set(aggregate, [pending]);
      void this.drain(aggregate);
    }
    return aggregate;
  }

  /** Decides several commands as one batch (the Kafka consumer's per-account batch). */
  executeAll(commands: AccountCommand[]): Promise<Outcome[]> {
    return Promise.all(commands.map((c) => this.execute(c)));
  }

  /** Decides without appending: the outcome a command would have now. Writes nothing, not even a move of the books. */
  async dryRun(command: AccountCommand): Promise<Outcome> {
    // Caught up with the store first: a dry run appends nothing, so no revision check would
    // reveal a decision another process made since this one cached the account.
    const aggregate = await this.aggregateOf(command.account, command.now, true);
    const loaded = await this.loadAt(aggregate, command.now, { closeBooks: true, fresh: true, write: false });
    return decideOne(command, await this.recalling(loaded.state, [command], true, command.now));
  }

  /**
   * Sets (or with null, clears) an account's parent, as the domain decides (`decideParent`): the
   * account's own stream, the tree it leaves and the tree it joins are appended in one atomic
   * append. On EventStoreDB, one by one: first the part that stops the account being decided where
   * it was (its departure from its tree, else its own stream), then the tree it joins, then its own
   * stream; a move a writer stopped in between is completed by the next load of the account's tree
   * or decision for it (`completeMove`), not by repeating the request. An account first seen here
   * as a child opens without default credits. Answers where the account stands afterwards.
   */
  async setParent(account: string, parent: string | null, now: string): Promise<TreeView> {
    await this.completeMove(account, now);
    await retryOnConflict(async (attempt) => {
      if (attempt > 1) this.options.onConflict?.();
      const opening = { closeBooks: true, fresh: true };
      const own = await this.loadAt(account, now, { ...opening, defaultCredits: parent === null ? undefined : 0 });
      const from = own.state.tree === null ? null : await this.loadAt(own.state.tree, now, opening);
      const parentOf = parent === null ? null : await this.loadAt(parent, now, opening);
      const toRoot = parentOf === null ? null : (parentOf.state.tree ?? parent);
      const to =
        toRoot === null
          ? null
          : toRoot === account
            ? own
            : toRoot === from?.account
              ? from
              : toRoot === parent
                ? parentOf
                : await this.loadAt(toRoot, now, opening);
      if (parent !== null && to !== null && toRoot !== parent && !to.state.members.has(parent)) {
        // The parent left the tree its own stream named between the two reads (or a move of it
        // stopped half-way): complete that move, then read everything again.
        await this.completeMove(parent, now);
        throw new MovedMeanwhile(parent);
      }
      const move = decideParent(
        { type: 'SetParent', account, parent, now },
        { own: own.state, from: from?.state ?? null, to: to?.state ?? null },
      );
      await this.appendMove(
        move.from.length > 0
          ? [
              [from, move.from],
              [to, move.to],
              [own, move.own],
            ]
          : [
              [own, move.own],
              [to, move.to],
            ],
      );
    }, this.options.retry);
    return this.treeOf(account, now);
  }

  /**
   * Completes a move of `account` that a writer stopped in the middle of (a store that appends its
   * parts one by one), as the domain decides from what was written (`completeMove`); nothing when
   * its tree holds it. Safe to run by several processes at once: each part is appended at the
   * revision read, and a conflict reads again.
   */
  async completeMove(account: string, now: string): Promise<void> {
    await retryOnConflict(async (attempt) => {
      if (attempt > 1) this.options.onConflict?.();
      const opening = { closeBooks: true, fresh: true };
      const own = await this.loadAt(account, now, opening);
      if (own.state.tree === null) return;
      const tree = await this.loadAt(own.state.tree, now, opening);
      if (tree.state.members.has(account)) return;
      const moved = await lastMoveOf(this.store, account);
      const departure = await departureOf(this.store, own.state.tree, account, moved?.at ?? null);
      // Its own stream moved on since it was read (a later move named another tree): read again.
      if (departure === null && moved?.tree !== own.state.tree) throw new MovedMeanwhile(account);
      const goes = departure?.tree ?? null;
      const destination = goes === null ? null : goes === tree.account ? tree : await this.loadAt(goes, now, opening);
      const move = completeMove(account, now, {
        own: own.state,
        tree: tree.state,
        moved,
        departure,
        destination: destination?.state ?? null,
      });
      if (move.own.length === 0 && move.to.length === 0) return;
      await this.appendMove([
        [destination ?? tree, move.to],
        [own, move.own],
      ]);
    }, this.options.retry);
  }

  /** Where an account stands in its tree (a lone account: a root without children), caught up with the store. */
  async treeOf(account: string, now: string): Promise<TreeView> {
    return treeViewOf(await this.treeStateOf(account, now), account);
  }

  /**
   * The state of the aggregate an account is decided in (its tree's root's, or its own), caught up
   * with the store; a move of the account stopped in the middle is completed first.
   */
  async treeStateOf(account: string, now: string): Promise<Account> {
    const own = await this.load(account, now, true);
    if (own.state.tree === null) return own.state;
    const tree = await this.load(own.state.tree, now, true);
    if (tree.state.members.has(account)) return tree.state;
    await this.completeMove(account, now);
    const moved = await this.load(account, now, true);
    return moved.state.tree === null ? moved.state : (await this.load(moved.state.tree, now, true)).state;
  }

  /**
   * The state of the tree an account is in, as {@link treeStateOf} reads it, or null when the
   * account as this process knows it (its cached state, else its streams read once) is in no tree:
   * neither a member nor a root with members. A read that needs a tree's counts only for accounts
   * in a tree thus reads nothing more from the store for the others (a plain account this process
   * has cached costs no read at all). Another process attaching a first member below an account
   * cached here as plain shows once this process reads the account again (docs/decisions.md).
   */
  async treeStateIfAny(account: string, now: string): Promise<Account | null> {
    const known = (await this.load(account, now, false)).state;
    if (known.tree === null && known.members.size === 0) return null;
    return this.treeStateOf(account, now);
  }

  /** The aggregate an account's commands are decided in: its tree's root, or its own. */
  async aggregateOf(account: string, now: string, fresh = false): Promise<string> {
    return (await this.load(account, now, fresh)).state.tree ?? account;
  }

  /**
   * Appends the events of a tree move, each part at its loaded revision (a new account registered
   * with it), all or nothing where the store can; then forgets the states it moved.
   */
  private async appendMove(parts: Array<[LoadedAccount | null, AccountEvent[]]>): Promise<void> {
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

  // ---- deciding -------------------------------------------------------------------------------

  private async drain(account: string): Promise<void> {
    const queue = this.queues.get(account) as Pending[];
    while (queue.length > 0) {
      // Let waiting I/O (other requests) run first: an in-process store such as PGlite can
      // answer through microtasks alone, and would otherwise decide every request on its own.
      await new Promise((resolve) => setImmediate(resolve));
      await this.settle(account, queue.splice(0, this.options.maxBatch));
    }
    this.queues.delete(account);
  }

  /** Decides and appends a batch, then answers each of its commands. */
  private async settle(account: string, batch: Pending[]): Promise<void> {
    try {
      const outcomes = await retryOnConflict(async (attempt) => {
        if (attempt > 1) this.options.onConflict?.();
        return this.decideBatch(
          account,
          batch.map((p) => p.command),
          attempt > 1,
        );
      }, this.options.retry);
      batch.forEach((p, i) => this.answer(account, p, outcomes[i]));
    } catch (error) {
      // The cached state was dropped when the append failed: the next batch reads afresh.
      if (error instanceof EventRejectedError && batch.length > 1) {
        // One command's data was refused: append each alone, so only that command fails.
        for (const pending of batch) await this.settle(account, [pending]);
        return;
      }
      batch.forEach((p) => p.reject(error));
    }
  }

  /**
   * Answers a decided command, unless it was decided in the wrong aggregate: its account moved into
   * a tree (`MOVED`) or out of the one decided in (`NOT_A_MEMBER`), which another process did since
   * this one cached it. Then the states are read afresh and the command follows its account.
   */
  private answer(aggregate: string, pending: Pending, outcome: Outcome): void {
    const code = outcome.ok ? null : outcome.error.code;
    if ((code !== 'MOVED' && code !== 'NOT_A_MEMBER') || pending.hops >= MAX_HOPS) {
      pending.resolve(outcome);
      return;
    }
    const { account, now } = pending.command;
    this.cache.delete(account);
    const tree = this.cache.get(aggregate);
    if (tree) tree.stale = true;
    // Not a member of the tree its own stream names: a move stopped in the middle, completed before the command follows it.
    const completing = code === 'NOT_A_MEMBER' ? this.completeMove(account, now).catch(() => undefined) : Promise.resolve();
    void completing.then(() => this.route(pending.command, pending.hops + 1).then(pending.resolve, pending.reject));
  }

  private async decideBatch(account: string, commands: AccountCommand[], repeats: boolean): Promise<Outcome[]> {
    const now = commands.reduce((latest, c) => (c.now > latest ? c.now : latest), commands[0].now);
    const loaded = await this.loadAt(account, now, { closeBooks: true });
    let state = await this.recalling(loaded.state, commands, repeats, now);
    const appended: AccountEvent[] = [];
    const outcomes = commands.map((command) => {
      const outcome = decideOne(command, state);
      if (outcome.ok) {
        state = outcome.state;
        appended.push(...outcome.events);
      }
      return outcome;
    });
    await this.append(loaded, appended, state);
    return outcomes;
  }

  /**
   * The state with what the store's claims index holds for the ids of `commands` that the
   * account's bounded memory forgot: always for a reversal, commit or release (they act on an
   * earlier decision); for a usage or hold only when `repeats` (a claim of the batch was taken,
   * so one of its ids was decided before) or for a dry run, which has no append to find out with.
   */
  private async recalling(state: Account, commands: AccountCommand[], repeats: boolean, now: string): Promise<Account> {
    // By account: a tree's aggregate decides for each of its members, whose claims are their own.
    const keys = new Map<string, Map<string, { source: string; id: string }>>();
    for (const command of commands) {
      const key = idOf(command, repeats);
      if (key && !decisionFor(state, key.source, key.id) && !holdFor(state, key.source, key.id)) {
        const ofAccount = keys.get(command.account) ?? new Map<string, { source: string; id: string }>();
        keys.set(command.account, ofAccount.set(`${key.source}\u0000${key.id}`, key));
      }
    }
    let recalled = state;
    for (const [account, ofAccount] of keys) {
      const claimed = await this.store.readClaimed(account, [...ofAccount.values()], now);
      recalled = recall(
        recalled,
        claimed.map((e) => deserialize(e) as AccountEvent),
      );
    }
    return recalled;
  }

  // ---- loading and moving the books -----------------------------------------------------------

  /**
   * The account ready to decide on at `now`, the books moved as the domain decides: a new account
   * opens (appended with its first decision), a half-done move completes and, when `closeBooks`,
   * a past period closes. Without `write` (a dry run) the moves are folded in memory only.
   */
  private async loadAt(
    account: string,
    now: string,
    {
      closeBooks,
      fresh = false,
      write = true,
      defaultCredits = this.options.defaultCredits,
    }: { closeBooks: boolean; fresh?: boolean; write?: boolean; defaultCredits?: number },
  ): Promise<LoadedAccount> {
    let loaded = await this.load(account, now, fresh);
    const opening = decideBooks(
      { type: 'OpenAccount', account, registered: loaded.registered, defaultCredits, now },
      loaded.state,
    );
    if (opening) return withOpening(loaded, opening);
    const move = (transition: PeriodTransition) =>
      write ? this.appendTransition(loaded, transition) : withTransition(loaded, transition);
    const resumed = decideBooks({ type: 'OpenNextPeriod', account, now }, loaded.state);
    if (resumed) loaded = await move(resumed);
    const closed = closeBooks ? decideBooks({ type: 'ClosePeriod', account, now }, loaded.state) : null;
    return closed ? move(closed) : loaded;
  }

  /**
   * Reads and folds the account's newest period; `now` bounds how far back the idempotency window
   * reaches. With `fresh`, a cached state is caught up with the store first (a dry run, which has
   * no append to detect another writer with); otherwise it is used as it is.
   */
  private async load(account: string, now: string, fresh: boolean): Promise<LoadedAccount> {
    const current = (await this.catchUp(account, fresh)) ?? (await this.coldLoad(account, now));
    if ('registered' in current) return current;
    this.cache.set(account, current);
    return { account, state: current.state, stream: current.stream, revision: current.revision, registered: null, opening: null };
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
  private async append(loaded: LoadedAccount, events: AccountEvent[], after: Account): Promise<void> {
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

  private async catchUp(account: string, mustRead: boolean): Promise<Cached | null> {
    const cached = this.cache.get(account);
    if (!cached) return null;
    if (!cached.stale && (!mustRead || this.options.soleWriter)) return cached;
    const since = await this.store.readStream(cached.stream, cached.revision + 1n);
    const current = since.length ? fold(cached, since) : { ...cached, stale: false };
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
}

/**
 * Two reads of one step disagree because another writer moved an account between them: the step
 * is run again on fresh reads, as after a conflict (and given up on, 503, as after too many).
 */
class MovedMeanwhile extends WrongExpectedRevisionError {
  constructor(account: string) {
    super(streamNames.accountRoot(account), 'any', 'no_stream');
    this.message = `account ${account} moved while the move was being read`;
  }
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

function fold(from: Cached, events: RecordedEvent[]): Cached {
  const state = events.map((e) => deserialize(e) as AccountEvent).reduce(evolve, from.state);
  return { state, stream: from.stream, revision: events[events.length - 1].revision, snapshotAt: from.snapshotAt };
}

/** The (source, id) a command acts on, when what was decided under it matters to deciding it. */
function idOf(command: AccountCommand, repeats: boolean): { source: string; id: string } | null {
  switch (command.type) {
    case 'ReverseUsage':
    case 'CommitHold':
    case 'ReleaseHold':
      return { source: command.source, id: command.id };
    case 'DecideUsage':
    case 'HoldUsage':
      return repeats ? { source: command.usage.source, id: command.usage.id } : null;
    default:
      return null;
  }
}

function decideOne(command: AccountCommand, state: Account): Outcome {
  try {
    const events = decide(command, state);
    return { ok: true, events, state: events.reduce(evolve, state) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}
