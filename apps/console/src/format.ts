/** The current UTC month, YYYY-MM, as the API names months. */
export function currentMonth(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}

/** The month `offset` months from `month` (negative = earlier). */
export function addMonths(month: string, offset: number): string {
  const [year, m] = month.split('-').map(Number);
  const date = new Date(Date.UTC(year, m - 1 + offset, 1));
  return date.toISOString().slice(0, 7);
}

/** The months from `from` to `to` inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
  return months;
}

const DAY_MS = 86_400_000;

/** Today in UTC, YYYY-MM-DD, as the daily usage route names days. */
export function currentDay(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The day `offset` days from `day` (negative = earlier), in UTC: every day is 24 hours long. */
export function addDays(day: string, offset: number): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date) + offset * DAY_MS).toISOString().slice(0, 10);
}

/** The days from `from` to `to` inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

const integer = new Intl.NumberFormat('en-US');

/** An integer with thousands separators; null means no limit. */
export function units(value: number | null | undefined): string {
  return value === null || value === undefined ? 'unlimited' : integer.format(value);
}

/** A rate limit for people: "10 per second (bursts of 20)"; empty for none. */
export function rateLimitText(rate: { units: number; per: string; burst: number } | null | undefined): string {
  if (!rate) return '';
  return `${units(rate.units)} per ${rate.per}${rate.burst === rate.units ? '' : ` (bursts of ${units(rate.burst)})`}`;
}

/** A timestamp for people: date and time in UTC. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '—';
}

/**
 * Sums decimal amount strings exactly (no floating point), per currency, as the API computes
 * them: amounts carry at most 2 decimals.
 */
export function totals(lines: Array<{ amount: string; currency: string }>): Array<{ currency: string; amount: string }> {
  const cents = new Map<string, bigint>();
  for (const { amount, currency } of lines) {
    const [whole, fraction = ''] = amount.split('.');
    const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
    cents.set(currency, (cents.get(currency) ?? 0n) + value);
  }
  return [...cents.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, value]) => ({ currency, amount: `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}` }));
}

const PERIOD_WORDS: Record<string, string> = {
  day: 'daily',
  week: 'weekly',
  month: 'monthly',
  year: 'yearly',
  none: 'cumulative',
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A quota's period in words: "daily", "weekly (from Monday)", "monthly", "cumulative", and for an
 * anchored one where its periods start: "monthly from day 15, 09:00 UTC", "yearly from 29 Feb, 00:00 UTC".
 */
export function periodLabel(quota: { period: string; anchor?: string | null }): string {
  const word = PERIOD_WORDS[quota.period] ?? quota.period;
  if (quota.period === 'week') return `${word} (from Monday)`;
  if (!quota.anchor) return word;
  const [day, month, time] = [Number(quota.anchor.slice(8, 10)), Number(quota.anchor.slice(5, 7)), quota.anchor.slice(11, 16)];
  return quota.period === 'year'
    ? `${word} from ${day} ${MONTHS[month - 1]}, ${time} UTC`
    : `${word} from day ${day}, ${time} UTC`;
}
