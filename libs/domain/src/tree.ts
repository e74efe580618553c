import {
  linesOf,
  type AccountEvent,
  type CarriedMember,
  type CountedItem,
  type LevelCounted,
  type QuotaTerms,
  type RateBucket,
  type UsageDecisionData,
} from '@tally/events';
import type { Account } from './account-state';
import { raisedFrom, raisedToCarry, type RaisedAlerts } from './alert-memory';
import { DomainError } from './errors';
import { TOTAL, periodEndsAfter } from './periods';
import { bucketAfter } from './rate-limit';

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

/** Where a usage counts at one level: its month, and its quota's period there when that is not the month. */
export interface Counted {
  month: string;
  period?: string;
}

/** A decision or reversal, as far as counting it at each level of a tree goes: its lines (one, or a multi-item usage's). */
export type CountedAtLevels = Pick<UsageDecisionData, 'account' | 'month'> & CountedItem & { items?: readonly CountedItem[] };

/**
 * Where one line of a usage decided for `account` counts at `level`: the period the line named
 * for the account itself, or the one it recorded for a level above it (each level is held to its
 * own quota's period, item by item).
 */
export function countedAt(line: Pick<CountedItem, 'period' | 'levels'>, account: string, month: string, level: string): Counted {
  const period = level === account ? line.period : line.levels?.find((l) => l.account === level)?.period;
  return period === undefined ? { month } : { month, period };
}

/** The levels' periods without their buckets' levels: what a commit or a reversal counts again (tokens stay taken). */
export function periodsOnly(levels: LevelCounted[] | undefined): { levels?: LevelCounted[] } {
  const periods = (levels ?? []).flatMap(({ account, period }) => (period === undefined ? [] : [{ account, period }]));
  return periods.length > 0 ? { levels: periods } : {};
}

/** `usage` with `delta` more units of a meter in its month, its running total, and its quota period when it names one. */
export function addCounted(usage: UsageCounts, meter: string, counted: Counted, delta: number): UsageCounts {
  const byPeriod = new Map(usage.get(meter));
  for (const key of [counted.month, TOTAL, ...(counted.period === undefined ? [] : [counted.period])]) {
    byPeriod.set(key, (byPeriod.get(key) ?? 0) + delta);
  }
  return new Map(usage).set(meter, byPeriod);
}

/** `buckets` after a usage that left the meter's bucket at `level` (unchanged when it took no tokens there). */
function withBucket(
  buckets: ReadonlyMap<string, RateBucket>,
  meter: string,
  level: string | undefined,
  decidedAt: string,
): ReadonlyMap<string, RateBucket> {
  return level === undefined ? buckets : new Map(buckets).set(meter, bucketAfter(buckets.get(meter), level, decidedAt));
}

/** `usage` plus (or, with `sign` -1, minus) every count of `other`. */
function addAll(usage: UsageCounts, other: UsageCounts, sign: 1 | -1): UsageCounts {
  const sum = new Map(usage);
  for (const [meter, byPeriod] of other) {
    const counts = new Map(sum.get(meter));
    for (const [key, units] of byPeriod) counts.set(key, (counts.get(key) ?? 0) + sign * units);
    sum.set(meter, counts);
  }
  return sum;
}

/** Carried usage (JSON) as the state keeps it; own keys only, whatever their names. */
export function countsFrom(carried: Record<string, Record<string, number>>): UsageCounts {
  return new Map(Object.entries(carried).map(([meter, byPeriod]) => [meter, new Map(Object.entries(byPeriod))]));
}

/**
 * Usage counts as JSON, keeping the running totals and the periods that end after `oldest` (the
 * oldest instant a usage may still be counted at); every period without it.
 */
export function countsToCarry(usage: UsageCounts, oldest?: string): Record<string, Record<string, number>> {
  // Object.fromEntries defines own properties, so a meter named `__proto__` is carried like any other.
  return Object.fromEntries(
    [...usage].map(([meter, byPeriod]) => [
      meter,
      Object.fromEntries([...byPeriod].filter(([key]) => oldest === undefined || periodEndsAfter(key, oldest))),
    ]),
  );
}

/** The members of a tree to carry into the root's next period (see {@link countsToCarry} for `oldest`). */
export function membersToCarry(state: Account, oldest?: string): Array<[string, CarriedMember]> {
  return [...state.members].map(([name, m]) => [
    name,
    {
      parent: m.parent,
      quotas: Object.fromEntries(m.quotas),
      usage: countsToCarry(m.usage, oldest),
      ...(m.buckets.size > 0 ? { buckets: Object.fromEntries(m.buckets) } : {}),
      ...(m.alerted.size > 0 ? { raised: raisedToCarry(m.alerted, oldest) } : {}),
    },
  ]);
}

/** Carried members as the state keeps them. */
export function membersFrom(carried: Array<[string, CarriedMember]> | undefined): ReadonlyMap<string, Member> {
  return new Map(
    (carried ?? []).map(([name, m]) => [
      name,
      {
        parent: m.parent,
        quotas: new Map(Object.entries(m.quotas)),
        usage: countsFrom(m.usage),
        buckets: new Map(Object.entries(m.buckets ?? {})),
        alerted: raisedFrom(m.raised),
      },
    ]),
  );
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

/** Levels of the subtree under `account`, itself included (1 for a leaf). */
function heightOf(state: Account, account: string): number {
  return 1 + Math.max(0, ...childrenOf(state, account).map((child) => heightOf(state, child)));
}

/** `members` with `delta` units of a usage added at its account and at every member above it, each in its own period. */
export function withMemberUsage(state: Account, data: CountedAtLevels, sign: 1 | -1): ReadonlyMap<string, Member> {
  const chain = chainOf(state, data.account);
  if (chain.length === 0) return state.members;
  const members = new Map(state.members);
  for (const line of linesOf(data)) {
    for (const name of chain) {
      const m = members.get(name) as Member;
      const counted = countedAt(line, data.account, data.month, name);
      members.set(name, { ...m, usage: addCounted(m.usage, line.meter, counted, sign * line.quantity) });
    }
  }
  return members;
}

/**
 * docs/contract.md §3 rule 4a at every level: the buckets of the usage's account, of the members
 * above it and of the root (the state's own), as a decision that took tokens left each of them.
 */
export function withTokensTaken(state: Account, data: UsageDecisionData): Pick<Account, 'buckets' | 'members'> {
  const { account, decidedAt } = data;
  const chain = chainOf(state, account);
  const members = new Map(state.members);
  let buckets = state.buckets;
  // Each line takes from its own meter's bucket at every level.
  for (const line of linesOf(data)) {
    const tokensAt = (level: string) =>
      level === account ? line.bucketLevel : line.levels?.find((l) => l.account === level)?.bucketLevel;
    for (const name of chain) {
      const m = members.get(name) as Member;
      members.set(name, { ...m, buckets: withBucket(m.buckets, line.meter, tokensAt(name), decidedAt) });
    }
    buckets = withBucket(buckets, line.meter, tokensAt(state.account ?? account), decidedAt);
  }
  return { buckets, members: chain.length === 0 ? state.members : members };
}

/** A member's quota set or changed. */
export function withMemberQuota(state: Account, account: string, meter: string, quota: QuotaTerms): ReadonlyMap<string, Member> {
  const m = state.members.get(account) as Member;
  return new Map(state.members).set(account, { ...m, quotas: new Map(m.quotas).set(meter, quota) });
}

/**
 * The tree after a member joined it or moved within it: its usage (its subtree's) leaves the
 * counts of its old ancestors and joins those of its new ones.
 */
export function withAttached(state: Account, data: Extract<AccountEvent, { type: 'MemberAttached' }>['data']): Account {
  const usage = countsFrom(data.usage);
  const left = state.members.has(data.member) ? withoutMember(state, data.member) : state;
  const members = new Map(left.members).set(data.member, {
    parent: data.parent,
    quotas: new Map(Object.entries(data.quotas)),
    usage,
    // A member moving within the tree keeps its buckets and its raised thresholds; one joining it starts afresh.
    buckets: state.members.get(data.member)?.buckets ?? new Map(),
    alerted: state.members.get(data.member)?.alerted ?? new Map(),
  });
  const joined = { ...left, members, usage: addAll(left.usage, usage, 1) };
  for (const name of chainOf(joined, data.parent)) {
    const m = members.get(name) as Member;
    members.set(name, { ...m, usage: addAll(m.usage, usage, 1) });
  }
  return joined;
}

/**
 * The tree without a member (a leaf when it leaves the tree; any member when it moves within it,
 * its descendants staying under it): its usage leaves the counts of its ancestors and the root's.
 */
export function withoutMember(state: Account, member: string): Account {
  const leaving = state.members.get(member);
  if (!leaving) return state;
  const members = new Map(state.members);
  for (const name of chainOf(state, leaving.parent)) {
    const m = members.get(name) as Member;
    members.set(name, { ...m, usage: addAll(m.usage, leaving.usage, -1) });
  }
  members.delete(member);
  return { ...state, members, usage: addAll(state.usage, leaving.usage, -1) };
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
