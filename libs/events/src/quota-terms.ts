/** How a quota is enforced: `hard` rejects above the limit, `soft` accepts and reports overage. */
export type Enforcement = 'hard' | 'soft';

/** The window usage is counted in: the UTC calendar month of the event time, or cumulative capacity. */
export type QuotaPeriod = 'month' | 'none';

/** How often a rate limit refills its `units`. */
export const RATE_PERIODS = ['second', 'minute', 'hour'] as const;
/** One of {@link RATE_PERIODS}. */
export type RatePeriod = (typeof RATE_PERIODS)[number];

/**
 * A token bucket on decision time (docs/contract.md §3 rule 4a): it holds up to `burst` tokens
 * and refills `units` tokens every `per`, continuously; a usage of q units takes q tokens.
 * `burst` is stored filled in (it defaults to `units` when the rate limit is set).
 */
export interface RateLimit {
  units: number;
  per: RatePeriod;
  burst: number;
}

/** A rate limit as it is asked for: `burst` may be left out. */
export type RateLimitInput = Omit<RateLimit, 'burst'> & { burst?: number };

/** A rate limit with its `burst` filled in (the default is `units`), as a plain object. */
export function withDefaultBurst({ units, per, burst }: RateLimitInput): RateLimit {
  return { units, per, burst: burst ?? units };
}

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
  /** The rate limit usage is held to besides the limit; null (or absent, in terms stored before rate limits) = none. */
  rateLimit?: RateLimit | null;
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
export function withDefaultTerms(
  input: Partial<Omit<QuotaTerms, 'rateLimit'>> & { limit: number | null; rateLimit?: RateLimitInput | null },
): QuotaTerms {
  return {
    limit: input.limit,
    enforcement: input.enforcement ?? DEFAULT_QUOTA_TERMS.enforcement,
    period: input.period ?? DEFAULT_QUOTA_TERMS.period,
    blockSize: input.blockSize ?? DEFAULT_QUOTA_TERMS.blockSize,
    blockPrice: input.blockPrice ?? DEFAULT_QUOTA_TERMS.blockPrice,
    includedUnits: input.includedUnits ?? DEFAULT_QUOTA_TERMS.includedUnits,
    currency: input.currency ?? DEFAULT_QUOTA_TERMS.currency,
    alertAt: input.alertAt ?? [],
    rateLimit: input.rateLimit ? withDefaultBurst(input.rateLimit) : null,
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
    // Terms stored before rate limits existed have none.
    rateLimit: completeRateLimit(t.rateLimit),
  };
}

/** A stored rate limit made complete (`burst` defaults to `units`); null when there is none or it is not valid. */
export function completeRateLimit(stored: unknown): RateLimit | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const { units, per, burst } = stored as Record<string, unknown>;
  if (!isCount(units, 1) || !RATE_PERIODS.includes(per as RatePeriod)) return null;
  return { units, per: per as RatePeriod, burst: isCount(burst, 1) ? burst : units };
}
