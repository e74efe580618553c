/** How a quota is enforced: `hard` rejects above the limit, `soft` accepts and reports overage. */
export type Enforcement = 'hard' | 'soft';

/** The window usage is counted in: the UTC calendar month of the event time, or cumulative capacity. */
export type QuotaPeriod = 'month' | 'none';

/** A quota as it is stored: the limit plus the billing terms that apply to it. */
export interface QuotaTerms {
  /** Units allowed per period; `null` means unlimited and `0` disables the meter. */
  limit: number | null;
  enforcement: Enforcement;
  period: QuotaPeriod;
  blockSize: number;
  /** Price of one block, an exact decimal string such as "0.50". */
  blockPrice: string;
  includedUnits: number;
  currency: string;
  /** Percentages of the limit whose crossing raises an alert, once per period (docs/contract.md §3.6). */
  alertAt: number[];
}

/** Terms used wherever a field of a quota is not given. */
export const DEFAULT_QUOTA_TERMS: Omit<QuotaTerms, 'limit'> = Object.freeze({
  enforcement: 'hard',
  period: 'month',
  blockSize: 1000,
  blockPrice: '0',
  includedUnits: 0,
  currency: 'USD',
  alertAt: [],
});

/** Fills the optional fields of a quota with the defaults of docs/contract.md §2.3. */
export function withDefaultTerms(input: Partial<QuotaTerms> & { limit: number | null }): QuotaTerms {
  return {
    limit: input.limit,
    enforcement: input.enforcement ?? DEFAULT_QUOTA_TERMS.enforcement,
    period: input.period ?? DEFAULT_QUOTA_TERMS.period,
    blockSize: input.blockSize ?? DEFAULT_QUOTA_TERMS.blockSize,
    blockPrice: input.blockPrice ?? DEFAULT_QUOTA_TERMS.blockPrice,
    includedUnits: input.includedUnits ?? DEFAULT_QUOTA_TERMS.includedUnits,
    currency: input.currency ?? DEFAULT_QUOTA_TERMS.currency,
    alertAt: input.alertAt ?? [],
  };
}

const isCount = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

/**
 * Terms as they may have been stored by any release, made complete: a field that is missing,
 * null or not a valid value takes its default. Older releases stored null for fields a PATCH
 * named with null; reading them must never break deciding or billing.
 */
export function completeTerms(stored: unknown): QuotaTerms {
  const t = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const d = DEFAULT_QUOTA_TERMS;
  return {
    limit: isCount(t.limit, 0) ? t.limit : null,
    enforcement: t.enforcement === 'hard' || t.enforcement === 'soft' ? t.enforcement : d.enforcement,
    period: t.period === 'month' || t.period === 'none' ? t.period : d.period,
    blockSize: isCount(t.blockSize, 1) ? t.blockSize : d.blockSize,
    blockPrice: typeof t.blockPrice === 'string' && /^\d+(\.\d+)?$/.test(t.blockPrice) ? t.blockPrice : d.blockPrice,
    includedUnits: isCount(t.includedUnits, 0) ? t.includedUnits : d.includedUnits,
    currency: typeof t.currency === 'string' && t.currency !== '' ? t.currency : d.currency,
    // Terms stored before alerts existed have none.
    alertAt: Array.isArray(t.alertAt) && t.alertAt.every((p) => isCount(p, 1)) ? [...(t.alertAt as number[])] : [],
  };
}
