import { linesOf, type AccountEvent, type QuotaTerms, type RateBucket, type UsageDecisionData } from '@tally/events';
import type { Account } from './account-state';
import { bucketAfter } from './rate-limit';
import { chainOf, type Member, type UsageCounts } from './tree';
import { addCounted, countedAt, countsFrom, type CountedAtLevels } from './tree-counts';

/*
 * The tree as its root's events fold it: usage counted at every level above its account, rate
 * buckets taken at each level, members' quotas, members joining, moving within and leaving it.
 */

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
  // An account in no tree with a single line (most usages): its own bucket only, nothing else built.
  if (chain.length === 0 && data.items === undefined && (state.account ?? account) === account) {
    return { buckets: withBucket(state.buckets, data.meter, data.bucketLevel, decidedAt), members: state.members };
  }
  // Copied only for an account with levels above it: most accounts are in no tree.
  const members = chain.length === 0 ? state.members : new Map(state.members);
  let buckets = state.buckets;
  // Each line takes from its own meter's bucket at every level.
  for (const line of linesOf(data)) {
    const tokensAt = (level: string) =>
      level === account ? line.bucketLevel : line.levels?.find((l) => l.account === level)?.bucketLevel;
    for (const name of chain) {
      const m = members.get(name) as Member;
      (members as Map<string, Member>).set(name, { ...m, buckets: withBucket(m.buckets, line.meter, tokensAt(name), decidedAt) });
    }
    buckets = withBucket(buckets, line.meter, tokensAt(state.account ?? account), decidedAt);
  }
  return { buckets, members };
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
