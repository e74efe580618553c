import type { QuotaTerms, RateBucket } from '@tally/events';
import type { Account } from './account-state';
import type { RaisedAlerts } from './alert-memory';

/*
 * The shape of an account tree and the rules that read it: who is a member, its chain of levels
 * up to the root, its children, the view a decision at one level counts with, and where an account
 * stands. Counting usage at every level is tree-counts.ts, folding the tree's events tree-folding.ts,
 * deciding a move tree-moves.ts (and completing a stopped one tree-recovery.ts).
 */

/** Most levels of an account tree, counting the root (docs/contract.md §2.7). */
export const MAX_TREE_DEPTH = 4;

/** Units counted per meter per period key ('YYYY-MM', an interval 'start/end', or 'total'). */
export type UsageCounts = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * A member of the tree an account is the root of. The tree is one aggregate, the root's: every
 * member's decision is decided on the root's state and appended to the root's stream, so the
 * decisions of siblings serialize on one expected revision. `usage` counts the member's own
 * decisions and its descendants' (it is an ancestor of theirs).
 */
export interface Member {
  parent: string;
  quotas: ReadonlyMap<string, QuotaTerms>;
  usage: UsageCounts;
  /** Its rate-limit buckets by meter, as the last usage that took tokens at its level left them. */
  buckets: ReadonlyMap<string, RateBucket>;
  /** The quota thresholds raised for it (docs/contract.md §3.6: once per threshold per period, at each level). */
  alerted: RaisedAlerts;
}

/** Whether `account` is decided on this state: it is the state's own account, or a member of its tree. */
export function isMember(state: Account, account: string): boolean {
  return state.members.has(account);
}

/** The members from `account` up to the root, the root excluded (empty for the root itself). */
export function chainOf(state: Account, account: string): string[] {
  const chain: string[] = [];
  for (let at = state.members.get(account) ? account : null; at !== null;) {
    chain.push(at);
    const parent: string = (state.members.get(at) as Member).parent;
    at = state.members.has(parent) ? parent : null;
  }
  return chain;
}

/** Levels counting the root (1 for the root). */
export function depthOf(state: Account, account: string): number {
  return chainOf(state, account).length + 1;
}

/** The direct children of `account` in the tree, by name. */
export function childrenOf(state: Account, account: string): string[] {
  return [...state.members]
    .filter(([, m]) => m.parent === account)
    .map(([name]) => name)
    .sort();
}

/** Whether `account` is `ancestor` or lies below it. */
export function isWithin(state: Account, account: string, ancestor: string): boolean {
  return account === ancestor || chainOf(state, account).includes(ancestor) || ancestor === state.account;
}

/**
 * What a decision at `level` counts with: the member's own quotas and usage (its subtree's), and
 * the holds of its subtree; the root's state itself for the root.
 */
export function levelView(state: Account, level: string): Account {
  const member = state.members.get(level);
  if (!member) return state;
  return {
    ...state,
    quotas: member.quotas,
    usage: member.usage,
    buckets: member.buckets,
    openHolds: state.openHolds.filter((hold) => isWithin(state, hold.account, level)),
  };
}

/** What `GET /v1/accounts/{account}` answers. */
export interface TreeView {
  account: string;
  parent: string | null;
  children: string[];
  depth: number;
}

/** Where `account` stands in the tree whose root's state is `root` (a lone account: a root without children). */
export function treeViewOf(root: Account, account: string): TreeView {
  const member = root.members.get(account);
  return { account, parent: member?.parent ?? null, children: childrenOf(root, account), depth: depthOf(root, account) };
}
