import type { AccountEvent, AccountMoved, Departure } from '@tally/events';
import type { Account } from './account-state';
import type { TreeMove } from './tree-moves';

/**
 * What a move of `account` left behind, read by the shell: the account's own state (which names
 * the tree it is decided in), that tree's state, the account's last `AccountMoved` (its own
 * stream), its last departure from that tree recorded after it, and the state of the tree that
 * departure names.
 */
export interface MoveLeft {
  own: Account;
  tree: Account | null;
  moved: AccountMoved['data'] | null;
  departure: Departure | null;
  destination: Account | null;
}

/**
 * docs/contract.md §2.7 on a store that appends a move's parts one by one (EventStoreDB): each
 * move appends first the part that stops the account being decided where it was — its departure
 * from its tree (which records where it goes and what it takes), else its own `AccountMoved` —
 * then the tree it joins, then its own stream. A writer stopped in between leaves the account's
 * own stream naming a tree that lacks it; this completes the move from what was written, once
 * (the usage it takes is the one recorded when it stopped being decided, so none is counted twice
 * or lost). Nothing when the move is whole. The events by aggregate, to append `to` before `own`.
 */
export function completeMove(account: string, now: string, left: MoveLeft): TreeMove {
  const none: TreeMove = { own: [], from: [], to: [] };
  const { own, tree, moved, departure, destination } = left;
  if (own.tree === null || tree === null || tree.members.has(account)) return none;
  if (departure) {
    const { tree: goes, parent, quotas, usage } = departure;
    const back: AccountEvent = { type: 'AccountMoved', data: { account, tree: goes, parent, quotas, usage, at: now } };
    if (goes === null || parent === null) return { ...none, own: [back] };
    const joined = destination?.members.has(account) ?? false;
    const attached: AccountEvent = {
      type: 'MemberAttached',
      data: { account: goes, member: account, parent, quotas, usage, at: now },
    };
    return { own: [back], from: [], to: joined ? [] : [attached] };
  }
  // Stopped after its own stream was fenced, before the tree took it in: it brings what its stream counted.
  const parent = moved?.tree === own.tree ? moved.parent : null;
  if (parent === null || (parent !== tree.account && !tree.members.has(parent))) {
    throw new Error(`account ${account} names the tree of ${own.tree}, which lacks it and its parent`);
  }
  const { quotas, usage } = moved as AccountMoved['data'];
  return {
    ...none,
    to: [{ type: 'MemberAttached', data: { account: own.tree, member: account, parent, quotas, usage, at: now } }],
  };
}
