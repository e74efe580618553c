import type { AccountEvent } from '@tally/events';
import type { Account } from './account-state';
import { DomainError } from './errors';
import { MAX_TREE_DEPTH, childrenOf, depthOf, isWithin, type Member } from './tree';
import { countsToCarry } from './tree-counts';

/** Set (or with null, clear) an account's parent. */
export interface SetParent {
  type: 'SetParent';
  account: string;
  parent: string | null;
  now: string;
}

/**
 * The aggregates a move touches: the account's own state; the root of the tree it is in now, if
 * any (`from`); the root of the tree of the new parent, if any (`to`, the same as `from` for a move
 * within a tree).
 */
export interface TreeStates {
  own: Account;
  from: Account | null;
  to: Account | null;
}

/** The events of a move, by the aggregate each is appended to. */
export interface TreeMove {
  own: AccountEvent[];
  from: AccountEvent[];
  to: AccountEvent[];
}

/**
 * docs/contract.md §2.7: attach an account under a parent, move it within its tree,
 * or detach it. Refused: a parent in the account's own subtree (`CYCLE`), a tree deeper than
 * {@link MAX_TREE_DEPTH} (`TOO_DEEP`), an account that holds credits joining a tree
 * (`HAS_BALANCE`), and an account with children leaving or joining a tree (`HAS_CHILDREN`: a
 * subtree moves only within its tree). Repeating a done move decides nothing; repeating one a
 * writer stopped in the middle of completes it.
 */
export function decideParent(command: SetParent, { own, from, to }: TreeStates): TreeMove {
  const { account, parent, now } = command;
  if (parent === account) throw new DomainError('CYCLE', `account ${account} cannot be its own parent`);
  const none: TreeMove = { own: [], from: [], to: [] };
  const current = from?.members.get(account) ?? null;
  if (parent === null) {
    if (!from || !current) return own.tree === null ? none : { ...none, own: [moved(own, account, null, null, now)] };
    if (childrenOf(from, account).length > 0) throw hasChildren(account);
    return {
      own: [moved(own, account, null, current, now)],
      from: [detached(from, account, current, null, null, now)],
      to: [],
    };
  }
  const tree = to as Account;
  const root = tree.account ?? parent;
  if (root === account || (tree === from && isWithin(tree, parent, account) && parent !== tree.account)) {
    throw new DomainError('CYCLE', `${parent} lies under ${account}: attaching would make a cycle`);
  }
  if (parent !== root && !tree.members.has(parent)) throw new Error(`${parent} is not in the tree of ${root}`);
  const within = from !== null && from === to && current !== null;
  if (within && current.parent === parent)
    return own.tree === root ? none : { ...none, own: [moved(own, account, root, current, now)] };
  const height = within ? heightOf(tree, account) : 1;
  if (depthOf(tree, parent) + height > MAX_TREE_DEPTH) {
    throw new DomainError(
      'TOO_DEEP',
      `a tree has at most ${MAX_TREE_DEPTH} levels: ${parent} is at level ${depthOf(tree, parent)}`,
    );
  }
  if (!within) {
    if (own.members.size > 0 || (current && childrenOf(from as Account, account).length > 0)) throw hasChildren(account);
    if (own.tree === null) {
      // Grants not yet expired (live, or effective later) and an allowance would be stranded: a child has no wallet.
      const held = unspentCredits(own, now);
      if (held !== 0 || own.allowance !== null) {
        const what = held !== 0 ? `${held} credits in grants` : 'an allowance';
        throw new DomainError('HAS_BALANCE', `account ${account} holds ${what}; a child has no wallet`);
      }
    }
  }
  const carried = current ?? { parent, quotas: own.quotas, usage: own.usage };
  const attached: AccountEvent = {
    type: 'MemberAttached',
    data: {
      account: root,
      member: account,
      parent,
      quotas: Object.fromEntries(carried.quotas),
      usage: countsToCarry(carried.usage),
      at: now,
    },
  };
  const leaving: AccountEvent[] = current && !within ? [detached(from as Account, account, current, root, parent, now)] : [];
  return { own: own.tree === root ? [] : [moved(own, account, root, carried, now, parent)], from: leaving, to: [attached] };
}

/** Levels of the subtree under `account`, itself included (1 for a leaf). */
function heightOf(state: Account, account: string): number {
  return 1 + Math.max(0, ...childrenOf(state, account).map((child) => heightOf(state, child)));
}

/** What the account's grants still hold and could burn at or after `now`. */
function unspentCredits(own: Account, now: string): number {
  let sum = 0;
  for (const g of own.grants.values()) {
    if (g.ended === null && (g.expiresAt === null || Date.parse(g.expiresAt) > Date.parse(now))) sum += g.remaining;
  }
  return sum;
}

/** The member leaving `from`, with where it goes and what it takes (a move stopped after it completes from it). */
function detached(
  from: Account,
  member: string,
  current: Pick<Member, 'quotas' | 'usage'>,
  tree: string | null,
  parent: string | null,
  at: string,
): AccountEvent {
  const departure = { tree, parent, quotas: Object.fromEntries(current.quotas), usage: countsToCarry(current.usage) };
  return { type: 'MemberDetached', data: { account: from.account as string, member, at, departure } };
}

function hasChildren(account: string): DomainError {
  return new DomainError('HAS_CHILDREN', `account ${account} has children: a subtree moves only within its tree`);
}

function moved(
  own: Account,
  account: string,
  tree: string | null,
  carried: Pick<Member, 'quotas' | 'usage'> | null,
  now: string,
  parent: string | null = null,
): AccountEvent {
  const terms = carried ?? own;
  return {
    type: 'AccountMoved',
    data: { account, tree, parent, quotas: Object.fromEntries(terms.quotas), usage: countsToCarry(terms.usage), at: now },
  };
}
