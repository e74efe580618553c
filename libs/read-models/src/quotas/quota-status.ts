import type { QuotaTerms } from '@tally/events';
import { overageOf, periodBounds, remainingOf } from '@tally/domain';

/** A quota with its usage in the current period: the view GET /v1/accounts/{a}/quotas answers with. */
export interface QuotaStatus extends QuotaTerms {
  meter: string;
  usage: number;
  /** Units held by live reservations in the period: they count against the limit until they end or expire. */
  reserved: number;
  remaining: number | null;
  overage: number;
  periodStart: string | null;
  periodEnd: string | null;
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
