/** How a quota is enforced: `hard` rejects above the limit, `soft` accepts and reports overage. */
export type Enforcement = 'hard' | 'soft';

/** Every period a quota may count usage in. */
export const QUOTA_PERIODS = ['month', 'none', 'day', 'week', 'year'] as const;

/**
 * The window usage is counted in, by event time, in UTC: a day, an ISO week (from Monday 00:00),
 * a month or a year (calendar ones, or from an `anchor`), or `none` (cumulative capacity).
 */
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];

/** The periods an `anchor` may shift: the others start on fixed UTC boundaries. */
export const ANCHORED_PERIODS: readonly QuotaPeriod[] = ['month', 'year'];

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
  /**
   * For `month` and `year`: an ISO instant whose day of month (and month, for `year`) and time
   * of day start every period (a day past a month's end falls on its last day); null for the
   * calendar month or year. Always null for the other periods.
   */
  anchor: string | null;
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
  anchor: null,
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
    // Kept as the instant it names, in UTC: an anchor sent with an offset reads the same everywhere.
    anchor: input.anchor == null ? null : new Date(input.anchor).toISOString(),
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

// Anchors are checked as RFC 3339 timestamps where they enter; a stored one need only read as an instant.
const isAnchor = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));

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
    period: QUOTA_PERIODS.includes(t.period as QuotaPeriod) ? (t.period as QuotaPeriod) : d.period,
    // Terms stored before anchors existed have none: the calendar month, as they always meant.
    anchor: isAnchor(t.anchor) && ANCHORED_PERIODS.includes(t.period as QuotaPeriod) ? new Date(t.anchor).toISOString() : null,
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
