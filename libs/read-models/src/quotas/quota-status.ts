import type { QuotaTerms } from '@tally/events';
import { overageOf, periodBounds, remainingOf } from '@tally/domain';

/**
 * A quota with its usage in the current period: the view GET /v1/accounts/{a}/quotas answers with.
 * `usage`, `reserved`, `remaining` and `overage` are what the limit is held against: for an
 * account with members below it in a tree, its whole subtree's (docs/contract.md §2.7).
 */
export interface QuotaStatus extends QuotaTerms {
  meter: string;
  usage: number;
  /** Units held by live reservations in the period: they count against the limit until they end or expire. */
  reserved: number;
  /** For an account with members below it: the part of `usage` and `reserved` that is its own decisions' (absent otherwise). */
  own?: OwnStanding;
  remaining: number | null;
  overage: number;
  periodStart: string | null;
  periodEnd: string | null;
}

/** An account's own usage and reserved units, without its subtree's. */
export interface OwnStanding {
  usage: number;
  reserved: number;
}

/** Combines terms with the usage counted under `currentPeriodKey` (the domain's rule) and the units held. */
export function quotaStatus(meter: string, terms: QuotaTerms, usage: number, reserved: number, now: string): QuotaStatus {
  const bounds = periodBounds(terms, now);
  return {
    meter,
    limit: terms.limit,
    enforcement: terms.enforcement,
    period: terms.period,
    anchor: terms.anchor,
    blockSize: terms.blockSize,
    blockPrice: terms.blockPrice,
    includedUnits: terms.includedUnits,
    currency: terms.currency,
    alertAt: terms.alertAt,
    rateLimit: terms.rateLimit ?? null,
    usage,
    reserved,
    remaining: remainingOf(terms.limit, usage + reserved),
    overage: overageOf(terms.limit, usage),
    periodStart: bounds?.start ?? null,
    periodEnd: bounds?.end ?? null,
  };
}

/** A status whose limit is held against a subtree: `subtree` counts in usage, reserved, remaining and overage; `own` is kept apart. */
export function subtreeStatus(own: QuotaStatus, subtree: OwnStanding, now: string): QuotaStatus {
  const { meter, usage, reserved } = own;
  return { ...quotaStatus(meter, own, subtree.usage, subtree.reserved, now), own: { usage, reserved } };
}
