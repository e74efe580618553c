import { completeMove, decideParent, treeViewOf, type Account, type TreeView } from '@tally/domain';
import { retryOnConflict, WrongExpectedRevisionError, type EventStore } from '@tally/eventstore';
import { streamNames } from '@tally/events';
import type { AccountHandlerOptions } from './account-handler-options';
import type { AccountLoader } from './account-loader';
import type { AccountWriter } from './account-writer';
import { departureOf, lastMoveOf } from './account-tree/move-reads';

/**
 * Account trees for the AccountHandler: moving an account in, within or out of a tree as the
 * domain decides (`decideParent`), completing a move a writer stopped in the middle of
 * (`completeMove`), and where an account stands, all caught up with the store.
 */
export class AccountTreeMoves {
  constructor(
    private readonly store: EventStore,
    private readonly loader: AccountLoader,
    private readonly writer: AccountWriter,
    private readonly options: AccountHandlerOptions,
  ) {}

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
      const own = await this.writer.loadAt(account, now, { ...opening, defaultCredits: parent === null ? undefined : 0 });
      const from = own.state.tree === null ? null : await this.writer.loadAt(own.state.tree, now, opening);
      const parentOf = parent === null ? null : await this.writer.loadAt(parent, now, opening);
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
                : await this.writer.loadAt(toRoot, now, opening);
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
      await this.writer.appendMove(
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
      const own = await this.writer.loadAt(account, now, opening);
      if (own.state.tree === null) return;
      const tree = await this.writer.loadAt(own.state.tree, now, opening);
      if (tree.state.members.has(account)) return;
      const moved = await lastMoveOf(this.store, account);
      const departure = await departureOf(this.store, own.state.tree, account, moved?.at ?? null);
      // Its own stream moved on since it was read (a later move named another tree): read again.
      if (departure === null && moved?.tree !== own.state.tree) throw new MovedMeanwhile(account);
      const goes = departure?.tree ?? null;
      const destination = goes === null ? null : goes === tree.account ? tree : await this.writer.loadAt(goes, now, opening);
      const move = completeMove(account, now, {
        own: own.state,
        tree: tree.state,
        moved,
        departure,
        destination: destination?.state ?? null,
      });
      if (move.own.length === 0 && move.to.length === 0) return;
      await this.writer.appendMove([
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
    const own = await this.loader.load(account, now, true);
    if (own.state.tree === null) return own.state;
    const tree = await this.loader.load(own.state.tree, now, true);
    if (tree.state.members.has(account)) return tree.state;
    await this.completeMove(account, now);
    const moved = await this.loader.load(account, now, true);
    return moved.state.tree === null ? moved.state : (await this.loader.load(moved.state.tree, now, true)).state;
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
