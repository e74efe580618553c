/**
 * The parts of Tally's contract (docs/contract.md §4, §5) a producer handles, declared here so that the
 * package stands alone; test/client/contract-types.spec.ts fails to compile if they drift from
 * the service's own definitions.
 */

/** The CloudEvents type of a usage, and the Kafka topic it goes to. */
export const USAGE_TYPE = 'metering.usage.v1';

/** Why a usage was rejected. */
export type RejectReason =
  'TOO_LATE' | 'IN_FUTURE' | 'NO_QUOTA' | 'METER_DISABLED' | 'RATE_LIMITED' | 'QUOTA_EXCEEDED' | 'INSUFFICIENT_CREDITS';

/** A CloudEvents extension attribute value. */
export type ExtensionValue = string | number | boolean;

/** A decision as Tally returns it (HTTP) and publishes it (`metering.decisions.v1`). */
export interface Decision {
  id: string;
  source: string;
  subject: string;
  account: string;
  meter: string;
  quantity: number;
  decision: 'accepted' | 'rejected';
  reason?: RejectReason;
  /** For an account in a tree: the account (itself or an ancestor) whose rule decided the rejection. */
  limitedBy?: string;
  overage: number;
  usage: number;
  /** null: unlimited. */
  limit: number | null;
  remaining: number | null;
  decidedAt: string;
  /**
   * For `RATE_LIMITED`: milliseconds until the rate limit would admit the quantity; absent when
   * it never will (the quantity is above the burst). A retry needs a new id: a repeat of this
   * one is answered with this decision again.
   */
  retryAfterMs?: number;
  /** The usage's extension attributes (such as `traceparent`), when it carried some. */
  extensions?: Record<string, ExtensionValue>;
  dataschema?: string;
  datacontenttype?: string;
  /**
   * A multi-item usage's lines, one per item in the order sent; the fields above are then the
   * first item's, or for a rejection those of the item that failed (`meter` names it).
   */
  items?: DecisionLine[];
}

/** One item of a multi-item usage: a meter and its units. */
export interface UsageItem {
  meter: string;
  quantity: number;
}

/** One item's line of a multi-item decision. */
export interface DecisionLine extends UsageItem {
  usage: number;
  limit: number | null;
  remaining: number | null;
  overage: number;
}

/** A reservation's answer (`POST /v1/reservations`): the decision, and while held, until when and what it keeps. */
export type Hold = Decision & { expiresAt?: string; creditsHeld?: number };

/** A released reservation (`POST /v1/reservations/release`). */
export interface ReleasedHold {
  account: string;
  source: string;
  id: string;
  subject: string;
  meter: string;
  month: string;
  quantity: number;
  creditsHeld: number;
  releasedAt: string;
  /** For a multi-item hold: every item it held (`meter` and `quantity` are the first's). */
  items?: UsageItem[];
}

/** What deciding a usage now would do (`POST /v1/usage/check`). */
export interface UsageCheck {
  allowed: boolean;
  reason?: RejectReason;
  usage: number;
  limit: number | null;
  remaining: number | null;
  /** For `RATE_LIMITED`, as in {@link Decision}. */
  retryAfterMs?: number;
  /** For a multi-item usage: the item the figures above are of (the one that failed, if any), and every line. */
  meter?: string;
  items?: DecisionLine[];
}

/** One problem with one input field, as Tally names it. */
export interface FieldError {
  field: string;
  reason: string;
}

/** A month of use (`GET /v1/accounts/{account}/usage?from=YYYY-MM&to=YYYY-MM`). */
export interface UsageLine {
  month: string;
  meter: string;
  /** With `groupBy: 'subject'`. */
  subject?: string;
  /** Accepted units, net of reversals. */
  units: number;
  requests: number;
  rejected: number;
}

/** A UTC day of use (`granularity=day`): a reversal nets out on the day of the usage it reverses. */
export interface DailyUsageLine {
  day: string;
  meter: string;
  /** With `groupBy: 'subject'`. */
  subject?: string;
  units: number;
  requests: number;
  rejected: number;
}

/**
 * The window a quota counts usage in, by event time, in UTC: a day, an ISO week (from Monday
 * 00:00), a month or a year (calendar ones, or from the quota's `anchor`), or `none` (cumulative).
 */
export type QuotaPeriod = 'month' | 'none' | 'day' | 'week' | 'year';

/** A quota with its use in the current period (`GET /v1/accounts/{account}/quotas/{meter}`). */
export interface QuotaView {
  meter: string;
  /** null: unlimited; 0: the meter is disabled. */
  limit: number | null;
  enforcement: 'hard' | 'soft';
  period: QuotaPeriod;
  /** month and year only: periods start at this instant's day of month (and month, for a year) and time of day; null: calendar periods. */
  anchor: string | null;
  blockSize: number;
  blockPrice: string;
  includedUnits: number;
  currency: string;
  alertAt: number[];
  /** Units counted against the limit in the period: for an account with members below it in a tree, its whole subtree's. */
  usage: number;
  /** Units held by live reservations in the period (its subtree's, for a parent). */
  reserved: number;
  remaining: number | null;
  overage: number;
  /** Bounds of the current period (null for `none`): from `periodStart` up to, not including, `periodEnd`. */
  periodStart: string | null;
  periodEnd: string | null;
  /** Only for an account with members below it in a tree (current reads): its own part of `usage` and `reserved`. */
  own?: { usage: number; reserved: number };
}

/** Bounds of a usage report: months `YYYY-MM`, or days `YYYY-MM-DD` (at most 366) with `granularity: 'day'`. */
export interface UsageQuery {
  from: string;
  to: string;
  granularity?: 'month' | 'day';
  groupBy?: 'subject';
}

/** A credit grant (`GET /v1/accounts/{account}/credits/grants`): `remaining` is what is left of it in the balance. */
export interface Grant {
  id: string;
  amount: number;
  remaining: number;
  /** 1 burns first. */
  priority: number;
  effectiveAt: string;
  expiresAt: string | null;
  voidedAt: string | null;
  reason: string | null;
  status: 'pending' | 'live' | 'expired' | 'voided';
}

/** What a grant takes: only `amount` is required (priority 50, effective now, never expiring). */
export interface GrantInput {
  amount: number;
  /** Idempotency key; the client makes one when absent, so that a retry never grants twice. */
  id?: string;
  reason?: string;
  priority?: number;
  effectiveAt?: string;
  expiresAt?: string | null;
}

/** A recurring grant, re-issued at the start of every UTC month or day and expiring at its end. */
export interface Allowance {
  amount: number;
  per: 'month' | 'day';
  priority?: number;
}

/** An account's credits (`GET /v1/accounts/{account}/credits`): `balance = granted − spent − expired − voided`. */
export interface Credits {
  balance: number;
  held: number;
  granted: number;
  spent: number;
  expired: number;
  voided: number;
  nextExpiry: { at: string; amount: number } | null;
  allowance: Required<Allowance> | null;
}
