import type { QuotaTerms } from '@tally/events';
import { TOTAL, monthBounds, monthOf } from './time';

/** A quota with its usage in the current period, as GET /v1/accounts/{a}/quotas shows it. */
export interface QuotaStatus extends QuotaTerms {
  meter: string;
  usage: number;
  remaining: number | null;
  overage: number;
  periodStart: string | null;
  periodEnd: string | null;
}

/** The period key a quota counts usage under at `now`. */
export function currentPeriodKey(terms: Pick<QuotaTerms, 'period'>, now: string): string {
  return terms.period === 'none' ? TOTAL : monthOf(now);
}

/** Combines terms with the usage counted under {@link currentPeriodKey}. */
export function quotaStatus(meter: string, terms: QuotaTerms, usage: number, now: string): QuotaStatus {
  const bounds = terms.period === 'month' ? monthBounds(monthOf(now)) : null;
  return {
    meter,
    limit: terms.limit,
    enforcement: terms.enforcement,
    period: terms.period,
    blockSize: terms.blockSize,
    blockPrice: terms.blockPrice,
    includedUnits: terms.includedUnits,
    currency: terms.currency,
    usage,
    remaining: terms.limit === null ? null : Math.max(0, terms.limit - usage),
    overage: terms.limit === null ? 0 : Math.max(0, usage - terms.limit),
    periodStart: bounds?.start ?? null,
    periodEnd: bounds?.end ?? null,
  };
}
