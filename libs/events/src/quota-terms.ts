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
export function withDefaultTerms(input: Partial<QuotaTerms> & { limit: number | null }): QuotaTerms {
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
  };
}
