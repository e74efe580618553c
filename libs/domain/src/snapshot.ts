import { Map as ImmutableMap } from 'immutable';
import type {
  CarriedAllowance,
  CarriedGrant,
  CarriedMember,
  CreditTotals,
  QuotaTerms,
  RateBucket,
  UsageHeld,
} from '@tally/events';
import { initialState, type Account } from './account-state';
import { earmarksFrom, earmarksJson, type EarmarkJson } from './earmarks';
import { Recent } from './recent';
import { membersFrom, membersToCarry } from './tree-counts';

/**
 * The version of {@link AccountSnapshot}'s shape. Bump it whenever the shape or the meaning of a
 * field changes: a snapshot of another version is ignored (the account is folded from its
 * events), never read as if it were this one.
 */
// 2: quota terms carry `anchor` and periods other than months; usage and alert memory may be
// keyed by a period's interval; the rate-limit buckets of the account's rate-limited meters; an
// open hold may carry a multi-item usage's `items` (each with its own period, and a member's
// levels), which version 1 would count by its first meter alone; the grants (with priority, expiry,
// remainder and how they ended), the allowance, and credit totals with `expired` and `voided`; the
// tree the account's decisions moved to, and the members of the tree it is the root of (with their
// quotas, usage by period and buckets; the tree's wallet is the root's). A version 1 snapshot has
// none of these and is folded again from its events.
// 3: the earmarks of open holds, grant by grant (a version 2 snapshot has none: its holds would
// set nothing aside), and ended grants may keep a remainder for the holds that earmarked them.
export const SNAPSHOT_VERSION = 3;

/**
 * What an account's state is saved as, to load from it plus the events after it instead of its
 * whole period. JSON with entry lists (never objects keyed by names: a meter named `__proto__`
 * is a name like any other). The recent-ids memory is left out: it is an optimisation whose
 * misses the claims index answers, and it would make every snapshot megabytes.
 */
export interface AccountSnapshot {
  version: typeof SNAPSHOT_VERSION;
  account: string | null;
  period: string | null;
  next: string | null;
  credits: CreditTotals;
  quotas: Array<[string, QuotaTerms]>;
  usage: Array<[string, Array<[string, number]>]>;
  /** The grants the account holds (live, and dead ones a refund may still reach) and its allowance (from version 2). */
  grants: CarriedGrant[];
  allowance: CarriedAllowance | null;
  openHolds: Array<[string, UsageHeld['data']]>;
  /** Since version 3: what open holds set aside on each grant, by hold. */
  earmarks: EarmarkJson[];
  creditsBelow: number | null;
  alerted: Array<[string, number[]]>;
  /** Rate-limit buckets by meter (from version 2). */
  buckets: Array<[string, RateBucket]>;
  /** Since version 2: the tree the account's decisions moved to, and the members of the tree it is the root of. */
  tree: string | null;
  members: Array<[string, CarriedMember]>;
}

/** The snapshot of a state. */
export function snapshotOf(state: Account): AccountSnapshot {
  return {
    version: SNAPSHOT_VERSION,
    account: state.account,
    period: state.period,
    next: state.next,
    credits: state.credits,
    quotas: [...state.quotas],
    usage: [...state.usage].map(([meter, byPeriod]) => [meter, [...byPeriod]]),
    grants: [...state.grants.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    allowance: state.allowance,
    openHolds: [...state.openHolds],
    earmarks: earmarksJson(state.earmarks),
    creditsBelow: state.creditsBelow,
    alerted: [...state.alerted].map(([key, percents]) => [key, [...percents].sort((a, b) => a - b)]),
    buckets: [...state.buckets],
    tree: state.tree,
    members: membersToCarry(state),
  };
}

/** The state a stored snapshot holds, or null when it is of another version (or not a snapshot). */
export function fromSnapshot(stored: unknown): Account | null {
  if (typeof stored !== 'object' || stored === null || (stored as { version?: unknown }).version !== SNAPSHOT_VERSION) {
    return null;
  }
  const s = stored as AccountSnapshot;
  return {
    ...initialState(),
    account: s.account,
    period: s.period,
    next: s.next,
    credits: s.credits,
    quotas: new Map(s.quotas),
    usage: new Map(s.usage.map(([meter, byPeriod]) => [meter, new Map(byPeriod)])),
    decisions: Recent.empty(),
    grants: ImmutableMap(s.grants.map((g) => [g.id, g])),
    allowance: s.allowance,
    holds: Recent.empty(),
    openHolds: ImmutableMap(s.openHolds),
    earmarks: earmarksFrom(s.earmarks),
    creditsBelow: s.creditsBelow,
    alerted: new Map(s.alerted.map(([key, percents]) => [key, new Set(percents)])),
    buckets: new Map(s.buckets),
    tree: s.tree,
    members: membersFrom(s.members),
  };
}
