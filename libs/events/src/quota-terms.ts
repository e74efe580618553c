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
}

/** Terms used wherever a field of a quota is not given. */
export const DEFAULT_QUOTA_TERMS: Omit<QuotaTerms, 'limit'> = Object.freeze({
  enforcement: 'hard',
  period: 'month',
  blockSize: 1000,
  blockPrice: '0',
  includedUnits: 0,
  currency: 'USD',
});

/** Fills the optional fields of a quota with the defaults of DESIGN §2. */
export function withDefaultTerms(input: Partial<QuotaTerms> & { limit: number | null }): QuotaTerms {
  return {
    limit: input.limit,
    enforcement: input.enforcement ?? DEFAULT_QUOTA_TERMS.enforcement,
    period: input.period ?? DEFAULT_QUOTA_TERMS.period,
    blockSize: input.blockSize ?? DEFAULT_QUOTA_TERMS.blockSize,
    blockPrice: input.blockPrice ?? DEFAULT_QUOTA_TERMS.blockPrice,
    includedUnits: input.includedUnits ?? DEFAULT_QUOTA_TERMS.includedUnits,
    currency: input.currency ?? DEFAULT_QUOTA_TERMS.currency,
  };
}
