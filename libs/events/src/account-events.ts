import type { LevelCounted, UsageAttributes, UsageItem } from './usage-message';
import type { QuotaTerms } from './quota-terms';
import type { RejectReason } from './reasons';
import type { AlertRaised, CarriedAlerts, CreditAlertSet } from './alert-events';
import type {
  AllowanceRemoved,
  AllowanceSet,
  CarriedAllowance,
  CarriedGrant,
  CreditDraw,
  CreditRefund,
  CreditsExpired,
  GrantVoided,
} from './credit-events';

/**
 * Credit wallet totals as recorded: `balance = granted - spent - expired - voided`. Grants not yet
 * effective and expiries not yet recorded are the reader's to derive (docs/contract.md, Credits).
 */
export interface CreditTotals {
  balance: number;
  granted: number;
  spent: number;
  expired: number;
  voided: number;
}

/**
 * What survives from one period's stream into the next ("closing the books"):
 * the wallet, the quotas, and usage per meter per period key ('YYYY-MM', an interval
 * 'start/end' for other periods, or 'total' for cumulative capacity) that later decisions may
 * still need.
 */
export interface CarriedState {
  credits: CreditTotals;
  quotas: Record<string, QuotaTerms>;
  usage: Record<string, Record<string, number>>;
  alerts?: CarriedAlerts;
  /** Rate-limit buckets by meter; absent from periods opened before rate limits. */
  buckets?: Record<string, RateBucket>;
  /** The grants still live, and the dead ones a refund may still reach (a tree's are its root's). */
  grants: CarriedGrant[];
  allowance: CarriedAllowance | null;
  /** The members of the tree this account is the root of, with their terms and usage (absent: none). */
  members?: Array<[string, CarriedMember]>;
  /** The tree this account's decisions moved to (absent: its own). */
  tree?: string | null;
}

/** A member of an account tree, as its root's aggregate keeps it: its parent, its quotas, its usage. */
export interface CarriedMember {
  parent: string;
  quotas: Record<string, QuotaTerms>;
  usage: Record<string, Record<string, number>>;
  /** Its rate-limit buckets by meter (absent: none taken from yet). */
  buckets?: Record<string, RateBucket>;
  /** The quota thresholds already raised for it, by meter and period key (absent: none). */
  raised?: CarriedAlerts['raised'];
}

/**
 * A meter's rate-limit bucket as a decision left it: `level` tokens at `at`, where one token is
 * {@link BUCKET_PARTS} parts (a decimal integer string; below zero after usage reported over
 * Kafka). In parts, a refill of `units` per second, minute or hour adds a whole number of parts
 * every millisecond, so the bucket is exact: no fraction is ever rounded.
 */
export interface RateBucket {
  level: string;
  at: string;
}

/** Parts of one token in a {@link RateBucket}: the milliseconds of an hour. */
export const BUCKET_PARTS = 3_600_000n;

/**
 * Fields every usage decision records; the public decision message is built from them. The
 * CloudEvent attributes the usage carried (extensions such as `traceparent`, `dataschema`,
 * `datacontenttype`) are present only when it carried them (stored from `.v2` on).
 */
export interface UsageDecisionData extends UsageAttributes {
  account: string;
  source: string;
  id: string;
  subject: string;
  meter: string;
  quantity: number;
  /** Event time (ISO 8601); the receive time when the producer sent none. */
  time: string;
  /** UTC month of `time`, 'YYYY-MM': the month the usage is counted and billed in. */
  month: string;
  /**
   * The quota period the usage counts in, as an ISO 8601 interval `start/end`, when it is not the
   * calendar month: a day, a week, a year or an anchored month (absent otherwise, and in events
   * stored before such periods existed).
   */
  period?: string;
  /** Usage of the quota's period after this decision (before it, for a rejection). */
  usage: number;
  limit: number | null;
  remaining: number | null;
  /** Units of this request above a soft limit. */
  overage: number;
  decidedAt: string;
  /**
   * Who reported the usage: the id of the API key, or "kafka" for `metering.usage.v1`; null for
   * decisions stored before keys were recorded (`UsageAccepted.v1`, `UsageRejected.v1`).
   */
  reportedBy: string | null;
  /**
   * For a rejection `RATE_LIMITED`: in how many milliseconds the bucket will hold the quantity;
   * absent when it never will (the quantity is above the burst).
   */
  retryAfterMs?: number;
  /** For an acceptance or a hold that took rate-limit tokens: the bucket's level after it, in parts ({@link RateBucket}). */
  bucketLevel?: string;
  /**
   * The account whose rule decided a rejection (docs/contract.md §2.7): the account
   * itself or one of its ancestors. Only on decisions of accounts in a tree.
   */
  limitedBy?: string;
  /** The root of the account's tree, which pays its credits, when it is not the account itself. */
  payer?: string;
  /**
   * For an acceptance or a hold of a member of a tree: what the levels above it counted, where
   * that is more than the month (see {@link LevelCounted}); absent otherwise. For a multi-item
   * usage, the headline line's (each line in `items` carries its own).
   */
  levels?: LevelCounted[];
  /**
   * A multi-item usage's lines, one per item, in the order sent (from `UsageAccepted.v3`,
   * `UsageRejected.v3`, `UsageHeld.v2`); absent for a single usage. The fields above then describe
   * one line: the first item's, or for a rejection the item that failed.
   */
  items?: UsageLine[];
}

/** What a decision did to one item of a multi-item usage, by the fields a single decision has. */
export interface UsageLine extends UsageItem {
  usage: number;
  limit: number | null;
  remaining: number | null;
  overage: number;
  /** Credits of this line: charged (accepted), held (held), none (rejected). */
  credits: number;
  /** The quota period this line counts in, when it is not the calendar month (see {@link UsageDecisionData.period}). */
  period?: string;
  /** For an accepted or held line whose meter is rate-limited: its bucket's level after it, in parts. */
  bucketLevel?: string;
  /** For a member of a tree: what the levels above it counted this line in, as {@link UsageDecisionData.levels}. */
  levels?: LevelCounted[];
}

/** First event of every period stream. */
export interface PeriodOpened {
  type: 'PeriodOpened';
  data: { account: string; period: string; previous: string | null; openedAt: string; carried: CarriedState };
}

/** Last event of a period stream: nothing may be appended after it. */
export interface PeriodClosed {
  type: 'PeriodClosed';
  data: { account: string; period: string; next: string; closedAt: string };
}

/** A quota was set or changed; `quota` holds all of its terms after the change. */
export interface QuotaSet {
  type: 'QuotaSet';
  data: { account: string; meter: string; quota: QuotaTerms; at: string };
}

/**
 * A grant of credits: it counts from `effectiveAt` until `expiresAt` (none: never expires) and
 * burns before grants of a higher `priority` number. `balance` is the recorded balance after.
 */
export interface CreditsGranted {
  type: 'CreditsGranted';
  data: {
    account: string;
    grantId: string;
    amount: number;
    priority: number;
    effectiveAt: string;
    expiresAt: string | null;
    reason: string | null;
    /** The allowance period ('YYYY-MM' or 'YYYY-MM-DD') this grant was issued for, if it is one. */
    allowanceFor?: string;
    balance: number;
    at: string;
  };
}

/** A usage was accepted: it counts against its period and was charged `creditsCharged`. */
export interface UsageAccepted {
  type: 'UsageAccepted';
  /** `burns`: the grants its credits were taken from (absent before grants recorded them). */
  data: UsageDecisionData & { creditsCharged: number; burns?: CreditDraw[] };
}

/** A usage was rejected, with the reason; it counts nothing. */
export interface UsageRejected {
  type: 'UsageRejected';
  data: UsageDecisionData & { reason: RejectReason };
}

/** An accepted usage was reversed: its units return to `month` (and `period`), its credits are refunded. */
export interface UsageReversed {
  type: 'UsageReversed';
  data: {
    account: string;
    source: string;
    id: string;
    subject: string;
    meter: string;
    quantity: number;
    month: string;
    /** The period the reversed usage counted in, when it named one (see {@link UsageDecisionData.period}). */
    period?: string;
    creditsRefunded: number;
    /** Where the credits went back: the grants the usage drew from (absent before grants recorded them). */
    refunds?: CreditRefund[];
    reason: string | null;
    at: string;
    /** The root of the account's tree, which is refunded, when it is not the account itself. */
    payer?: string;
    /** The periods the levels above a member counted the reversed usage in (see {@link UsageDecisionData.levels}). */
    levels?: LevelCounted[];
    /**
     * A multi-item usage's lines, each returned to its meter and to the period it counted in (from
     * `UsageReversed.v2`); `meter`, `quantity`, `period` (and a member's
     * `levels`) are the first's.
     */
    items?: Array<UsageItem & { creditsRefunded: number; period?: string; levels?: LevelCounted[] }>;
  };
}

/**
 * An account joined this tree (or moved within it) under `parent`, bringing its quotas and its
 * usage (stored in the root's period stream, `account` being the root).
 */
export interface MemberAttached {
  type: 'MemberAttached';
  data: {
    account: string;
    member: string;
    parent: string;
    quotas: CarriedMember['quotas'];
    usage: CarriedMember['usage'];
    at: string;
  };
}

/**
 * An account left this tree (stored in the root's period stream, `account` being the root). From
 * crash-safe moves on, it records where the member went (`departure`: the tree it joins, or null
 * when it goes back to its own stream) and what it took: a store that appends a move's parts one
 * by one appends this part first, so a move stopped after it is completed from it.
 */
export interface MemberDetached {
  type: 'MemberDetached';
  data: { account: string; member: string; at: string; departure?: Departure };
}

/** Where a member leaving a tree goes, and the quotas and usage (its subtree's) it takes along. */
export interface Departure {
  tree: string | null;
  parent: string | null;
  quotas: CarriedMember['quotas'];
  usage: CarriedMember['usage'];
}

/**
 * The account's decisions moved into the aggregate of the tree rooted at `tree` (its own stream is
 * fenced: nothing is decided on it), or, with `tree` null, came back to it with the quotas and
 * usage it had in the tree.
 */
export interface AccountMoved {
  type: 'AccountMoved';
  data: {
    account: string;
    tree: string | null;
    parent: string | null;
    quotas: CarriedMember['quotas'];
    usage: CarriedMember['usage'];
    at: string;
  };
}

/**
 * A reservation was accepted: `quantity` units (and `creditsHeld` credits) are held against the
 * quota and the wallet until `expiresAt`, unless released or committed before. `usage` is the
 * period's usage (holds excluded); `remaining` what is left after every open hold, this one included.
 */
export interface UsageHeld {
  type: 'UsageHeld';
  data: UsageDecisionData & { creditsHeld: number; expiresAt: string };
}

/**
 * A hold ended before its expiry: released (`committed` null) or committed, in which case a
 * `UsageAccepted` of `committed` units under the same source + id follows it.
 */
export interface HoldReleased {
  type: 'HoldReleased';
  data: Pick<UsageDecisionData, 'account' | 'source' | 'id' | 'subject' | 'meter' | 'month' | 'quantity'> & {
    creditsHeld: number;
    committed: number | null;
    at: string;
  };
}

/** Events of an account's period stream `account-{account}/{YYYY-MM}`. */
export type AccountEvent =
  | PeriodOpened
  | PeriodClosed
  | QuotaSet
  | CreditsGranted
  | UsageAccepted
  | UsageRejected
  | UsageReversed
  | UsageHeld
  | HoldReleased
  | CreditAlertSet
  | AlertRaised
  | MemberAttached
  | MemberDetached
  | AccountMoved
  | CreditsExpired
  | GrantVoided
  | AllowanceSet
  | AllowanceRemoved;

/** Events of the account root stream `account-{account}`: where its books are. */
export type AccountRootEvent =
  | { type: 'AccountOpened'; data: { account: string; period: string; openedAt: string } }
  | { type: 'PeriodStarted'; data: { account: string; period: string; at: string } };
