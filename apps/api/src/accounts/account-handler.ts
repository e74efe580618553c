import type { Account, AccountCommand, TreeView } from '@tally/domain';
import { streamNames, type AccountEvent } from '@tally/events';
import { EventRejectedError, retryOnConflict, type EventStore } from '@tally/eventstore';
import { AccountCache } from './account-cache';
import { claimKeysOf, decideOne, recallClaimed, recallRead, type Outcome } from './account-decisions';
import { HANDLER_DEFAULTS, type AccountHandlerOptions } from './account-handler-options';
import { AccountLoader, type Cached, type LoadedAccount } from './account-loader';
import { AccountTreeMoves } from './account-tree-moves';
import { AccountWriter } from './account-writer';

export type { Outcome } from './account-decisions';

/**
 * Where queued commands' outcomes go, each at its index: one command's promise ({@link
 * AccountHandler.execute}), or one promise for a whole batch ({@link AccountHandler.executeAll}:
 * no promise, closure or Promise.all slot per command, only its {@link Pending}).
 */
interface Answers {
  resolve(index: number, outcome: Outcome): void;
  reject(index: number, error: unknown): void;
}

interface Pending {
  command: AccountCommand;
  /** How often the command was sent on to another aggregate (its account moved in or out of a tree). */
  hops: number;
  answers: Answers;
  index: number;
}

/** Times a command follows its account into or out of a tree before its answer is the refusal. */
const MAX_HOPS = 3;

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
 * Loading ({@link AccountLoader}) follows the root stream to the newest period and folds the
 * streams of the idempotency window. States are cached (at most `cacheSize` accounts): an account
 * this process decides on is appended to at its cached revision without reading the store first,
 * and caught up (reading only the events appended since) only after another writer got in
 * between, which the append's expected-revision check reports. Decided events of all accounts go
 * to the store through one group commit ({@link AccountWriter}); each claims its (source, id) in
 * the store's duplicate index in the same append. Tree moves are {@link AccountTreeMoves}.
 */
export class AccountHandler {
  private readonly queues = new Map<string, Pending[]>();
  /** Accounts whose aggregate is being looked up, and the lookup their next command waits for. */
  private readonly resolving = new Map<string, Promise<string>>();
  /**
   * New accounts (nothing written yet, so not cached) as the lookup that routed their commands read
   * them, for the first batch decided for them: read once on the way to the first decision, not
   * again. Taken once, by a first attempt only; see {@link firstRead}.
   */
  private readonly unwritten = new Map<string, LoadedAccount>();
  private readonly cache: AccountCache<Cached>;
  private readonly options: AccountHandlerOptions;
  private readonly loader: AccountLoader;
  private readonly writer: AccountWriter;
  private readonly trees: AccountTreeMoves;

  constructor(
    private readonly store: EventStore,
    options: Partial<AccountHandlerOptions> = {},
  ) {
    this.options = { ...HANDLER_DEFAULTS, ...options };
    this.cache = new AccountCache(this.options.cacheSize, this.options.recentBudget);
    this.loader = new AccountLoader(store, this.cache, this.options);
    this.writer = new AccountWriter(store, this.cache, this.loader, this.options);
    this.trees = new AccountTreeMoves(store, this.loader, this.writer, this.options);
  }

  /**
   * Decides `command` and, unless it is refused, appends its events durably before resolving. A
   * command for a member of an account tree is decided in the tree's aggregate, the root's (queued
   * and batched with the tree's other commands), so no interleaving of the members' requests can
   * take a level past its limit.
   */
  execute(command: AccountCommand): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const answers: Answers = { resolve: (_, outcome) => resolve(outcome), reject: (_, error) => reject(error) };
      this.route({ command, hops: 0, answers, index: 0 });
    });
  }

  /** Queues a command in the aggregate its account is decided in now. */
  private route(pending: Pending): void {
    const { account, now } = pending.command;
    const cached = this.cache.get(account);
    const earlier = this.resolving.get(account);
    if (cached && !cached.stale && !earlier) {
      this.enqueue(cached.state.tree ?? account, pending);
      return;
    }
    // The account is being read: queue behind the commands that came before, in their order,
    // to the aggregate that lookup finds (one read for a burst; a route is only a hint: a
    // command decided in the wrong aggregate is refused there and sent on).
    const lookup = earlier ?? this.lookUp(account, now);
    const resolved = lookup.then((aggregate) => this.enqueue(aggregate, pending));
    resolved.catch((error: unknown) => pending.answers.reject(pending.index, error));
    const next = lookup.catch(() => account);
    this.resolving.set(account, next);
    void next.then(() => {
      if (this.resolving.get(account) === next) this.resolving.delete(account);
    });
  }

  /**
   * {@link aggregateOf} for {@link route}: a new account (not written, so not cached: in no tree,
   * its own aggregate) is kept as read for the batch that decides it first.
   */
  private async lookUp(account: string, now: string): Promise<string> {
    const loaded = await this.loader.load(account, now, false);
    if (loaded.stream === null && loaded.state.tree === null) this.unwritten.set(account, loaded);
    return loaded.state.tree ?? account;
  }

  /**
   * The new account {@link lookUp} read for `account`, taken (so used once), unless this process
   * has cached the account since (a batch decided it meanwhile: the cache is newer). Nothing read
   * here can go stale unnoticed: a new account is appended to at revision 'no_stream' (its root
   * stream, or the period its root registered), so another writer that registered or moved it
   * since makes the append conflict, and the retry (`repeats`) reads the store again.
   */
  private firstRead(account: string): LoadedAccount | undefined {
    const read = this.unwritten.get(account);
    if (!read) return undefined;
    this.unwritten.delete(account);
    return this.cache.get(account) ? undefined : read;
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

  /**
   * Decides several commands as one batch (the Kafka consumer's slice, a request's usages): every
   * outcome in order, or the first failure, as `Promise.all` of {@link execute} would give.
   */
  executeAll(commands: AccountCommand[]): Promise<Outcome[]> {
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const outcomes = new Array<Outcome>(commands.length);
      let left = commands.length;
      let failed = false;
      const answers: Answers = {
        resolve(index, outcome) {
          outcomes[index] = outcome;
          if (--left === 0 && !failed) resolve(outcomes);
        },
        reject(_, error) {
          if (!failed) reject(error);
          failed = true;
        },
      };
      for (let index = 0; index < commands.length; index++) this.route({ command: commands[index], hops: 0, answers, index });
    });
  }

  /**
   * Decides without appending: the outcome a command would have now. Writes nothing, not even a
   * move of the books. Every read it answers from starts after it was asked: a dry run appends
   * nothing, so no revision check would reveal a decision another process made since this one
   * cached the account, and the claims index answers for the ids the account's memory forgot.
   */
  async dryRun(command: AccountCommand): Promise<Outcome> {
    return (await this.dryRunCached(command)) ?? this.dryRunLoading(command);
  }

  /**
   * A dry run of an account cached here outside a tree: the events appended since its cached
   * revision and the claims of the command's id, read together (one statement on SQL stores);
   * null when that does not apply (not cached, stale, in a tree, or a sole writer's cache, which
   * needs no catch-up read).
   */
  private async dryRunCached(command: AccountCommand): Promise<Outcome | null> {
    const cached = this.options.soleWriter ? undefined : this.cache.get(command.account);
    if (!cached || cached.stale || cached.state.tree !== null) return null;
    const [asked] = claimKeysOf(cached.state, [command], true).get(command.account)?.values() ?? [];
    const claims = asked ? { account: command.account, keys: [asked], now: command.now } : null;
    const fresh = await this.loader.freshen(command.account, claims);
    // Moved into a tree by another process since: decided in the tree's aggregate, read as such.
    if (!fresh || fresh.loaded.state.tree !== null) return null;
    const loaded = await this.writer.loadAt(command.account, command.now, { closeBooks: true, write: false, from: fresh.loaded });
    // The claims read answer for the id unless the caught-up state remembers it; one it forgot
    // meanwhile (newer decisions pushed it out) is read now.
    const missing = claimKeysOf(loaded.state, [command], true).size > 0;
    const state = !missing
      ? loaded.state
      : claims
        ? recallRead(loaded.state, fresh.claimed)
        : await recallClaimed(this.store, loaded.state, [command], true, command.now);
    return decideOne(command, state);
  }

  private async dryRunLoading(command: AccountCommand): Promise<Outcome> {
    // Caught up with the store first (see dryRun). An account not cached here is found through its
    // root stream (a few events: one per period opened or tree move), read with the other dry
    // runs' reads: most checks of accounts never seen are of accounts never registered.
    const root = this.cache.get(command.account)
      ? undefined
      : {
          last:
            (await this.store.readStreamWithClaimed(streamNames.accountRoot(command.account), 0n, null)).events.at(-1) ?? null,
        };
    const own = await this.loader.load(command.account, command.now, true, root);
    const aggregate = own.state.tree ?? command.account;
    // An account outside a tree is its own aggregate, read just now: not read a second time (a
    // new account is not cached, so loading it again would read it again).
    const loaded = await this.writer.loadAt(aggregate, command.now, {
      closeBooks: true,
      fresh: aggregate !== command.account,
      write: false,
      from: aggregate === command.account ? own : undefined,
    });
    // An account that had no period stream when it was read had decided nothing then, so no claim
    // of its can have answered for the id: the answer is the store as that read found it.
    if (own.stream === null && aggregate === command.account) return decideOne(command, loaded.state);
    return decideOne(command, await recallClaimed(this.store, loaded.state, [command], true, command.now));
  }

  /** Sets (or with null, clears) an account's parent: {@link AccountTreeMoves.setParent}. */
  setParent(account: string, parent: string | null, now: string): Promise<TreeView> {
    return this.trees.setParent(account, parent, now);
  }

  /** Completes a move of `account` that a writer stopped in the middle of: {@link AccountTreeMoves.completeMove}. */
  completeMove(account: string, now: string): Promise<void> {
    return this.trees.completeMove(account, now);
  }

  /** Where an account stands in its tree, caught up with the store: {@link AccountTreeMoves.treeOf}. */
  treeOf(account: string, now: string): Promise<TreeView> {
    return this.trees.treeOf(account, now);
  }

  /** The state of the aggregate an account is decided in, caught up with the store: {@link AccountTreeMoves.treeStateOf}. */
  treeStateOf(account: string, now: string): Promise<Account> {
    return this.trees.treeStateOf(account, now);
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
    const known = (await this.loader.load(account, now, false)).state;
    if (known.tree === null && known.members.size === 0) return null;
    return this.treeStateOf(account, now);
  }

  /**
   * {@link aggregateOf} as this process knows it without reading: the cached account's (not
   * stale) tree root, or itself; undefined when it is not cached so (then {@link aggregateOf} reads).
   */
  cachedAggregateOf(account: string): string | undefined {
    const cached = this.cache.get(account);
    return cached && !cached.stale ? (cached.state.tree ?? account) : undefined;
  }

  /** The aggregate an account's commands are decided in: its tree's root, or its own. */
  async aggregateOf(account: string, now: string, fresh = false): Promise<string> {
    return (await this.loader.load(account, now, fresh)).state.tree ?? account;
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
      for (const p of batch) p.answers.reject(p.index, error);
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
      pending.answers.resolve(pending.index, outcome);
      return;
    }
    const { account, now } = pending.command;
    this.cache.delete(account);
    const tree = this.cache.get(aggregate);
    if (tree) tree.stale = true;
    // Not a member of the tree its own stream names: a move stopped in the middle, completed before the command follows it.
    const completing = code === 'NOT_A_MEMBER' ? this.completeMove(account, now).catch(() => undefined) : Promise.resolve();
    void completing.then(() => this.route({ ...pending, hops: pending.hops + 1 }));
  }

  private async decideBatch(account: string, commands: AccountCommand[], repeats: boolean): Promise<Outcome[]> {
    const now = commands.reduce((latest, c) => (c.now > latest ? c.now : latest), commands[0].now);
    // A new account as its lookup read it (first attempt only: a conflict means the store moved on).
    const from = repeats ? undefined : this.firstRead(account);
    // An account cached here whose books need no move (the common batch) is ready without a promise,
    // and one whose memory holds every id asked needs nothing from the claims index.
    const loaded =
      this.writer.loadedNow(account, now, from) ?? (await this.writer.loadAt(account, now, { closeBooks: true, from }));
    let state =
      claimKeysOf(loaded.state, commands, repeats).size === 0
        ? loaded.state
        : await recallClaimed(this.store, loaded.state, commands, repeats, now);
    const appended: AccountEvent[] = [];
    const outcomes = commands.map((command) => {
      const outcome = decideOne(command, state);
      if (outcome.ok) {
        state = outcome.state;
        appended.push(...outcome.events);
      }
      return outcome;
    });
    try {
      await this.writer.append(loaded, appended, state);
    } finally {
      // A lookup that read the account while this append was out may have read it before it: not used.
      this.unwritten.delete(account);
    }
    return outcomes;
  }
}
