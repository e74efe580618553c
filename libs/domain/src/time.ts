import { periodKeyOf, type PeriodTerms } from './periods';

/** How long a (source, id) pair stays a duplicate, and how late a usage may arrive. */
export const IDEMPOTENCY_WINDOW_DAYS = 35;
/** {@link IDEMPOTENCY_WINDOW_DAYS} in milliseconds. */
export const IDEMPOTENCY_WINDOW_MS = IDEMPOTENCY_WINDOW_DAYS * 24 * 60 * 60 * 1000;
/** How far ahead of the decider's clock an event time may be. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** The UTC calendar month of an instant, as 'YYYY-MM'. */
export function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

/** First instant of a 'YYYY-MM' month and of the month after it, as ISO strings. */
export function monthBounds(month: string): { start: string; end: string } {
  const [year, m] = month.split('-').map(Number);
  return {
    start: new Date(Date.UTC(year, m - 1, 1)).toISOString(),
    end: new Date(Date.UTC(year, m, 1)).toISOString(),
  };
}

/** Whether `iso` lies inside the idempotency window that ends at `now`. */
export function withinWindow(iso: string, now: string): boolean {
  return Date.parse(iso) >= Date.parse(now) - IDEMPOTENCY_WINDOW_MS;
}

/** The oldest month that a decision at `now` can still count usage in. */
export function oldestOpenMonth(now: string): string {
  return monthOf(new Date(Date.parse(now) - IDEMPOTENCY_WINDOW_MS).toISOString());
}

/** The period key a quota counts usage under at `now`. */
export function currentPeriodKey(terms: PeriodTerms, now: string): string {
  return periodKeyOf(terms, now);
}
