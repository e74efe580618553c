import type { QuotaTerms } from '@tally/events';

/** The terms that say where a quota's periods begin and end. */
export type PeriodTerms = Pick<QuotaTerms, 'period' | 'anchor'>;

/** A quota period: from `start` (included) to `end` (excluded), ISO instants in UTC. */
export interface PeriodBounds {
  start: string;
  end: string;
}

/** Period key under which cumulative usage (quota period `none`) is counted. */
export const TOTAL = 'total';

const DAY_MS = 24 * 60 * 60 * 1000;
// Without an anchor, months start on the 1st and years on 1 January, at midnight.
const CALENDAR = '2000-01-01T00:00:00.000Z';

const iso = (ms: number): string => new Date(ms).toISOString();

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** The instant of `day` (clamped to the month's last day) at `timeOfDay` ms, in a month that may lie outside 0–11. */
function dayOfMonth(year: number, month: number, day: number, timeOfDay: number): number {
  const first = new Date(Date.UTC(year, month, 1));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth();
  return Date.UTC(y, m, Math.min(day, daysIn(y, m))) + timeOfDay;
}

/**
 * Periods that repeat every month (`step` 1) or every year (`step` 12), each starting on the
 * anchor's day of month (its month too, for years) and time of day. A day past a month's end
 * falls on that month's last day: an anchor on the 31st starts a period on 28 or 29 February,
 * and on the 31st again in March.
 */
function anchoredBounds(at: Date, anchor: Date, step: 1 | 12): PeriodBounds {
  const day = anchor.getUTCDate();
  const timeOfDay = anchor.getTime() - Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), day);
  const year = at.getUTCFullYear();
  const month = step === 1 ? at.getUTCMonth() : anchor.getUTCMonth();
  const boundary = (offset: number) => dayOfMonth(year, month + offset * step, day, timeOfDay);
  // The boundary that falls in the instant's month (or year) may lie after it: then the period began one step earlier.
  const first = boundary(0) <= at.getTime() ? 0 : -1;
  return { start: iso(boundary(first)), end: iso(boundary(first + 1)) };
}

/**
 * The period of a quota that contains `instant`: a UTC day, an ISO week (from Monday 00:00),
 * a calendar month or year, or the month or year starting at the anchor's day and time. Null for
 * `none`, whose usage is cumulative.
 */
export function periodBounds(terms: PeriodTerms, instant: string): PeriodBounds | null {
  const at = new Date(instant);
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  switch (terms.period) {
    case 'none':
      return null;
    case 'day':
      return { start: iso(midnight), end: iso(midnight + DAY_MS) };
    case 'week': {
      const monday = midnight - ((at.getUTCDay() + 6) % 7) * DAY_MS;
      return { start: iso(monday), end: iso(monday + 7 * DAY_MS) };
    }
    case 'month':
    case 'year': {
      const step = terms.period === 'month' ? 1 : 12;
      return anchoredBounds(at, new Date(terms.anchor ?? CALENDAR), step);
    }
  }
}

/** Whether a quota's period is the plain UTC calendar month, whose usage is keyed 'YYYY-MM'. */
export function isCalendarMonth(terms: PeriodTerms): boolean {
  return terms.period === 'month' && !terms.anchor;
}

/** The key of an interval period: its bounds in ISO 8601 interval notation, `start/end`. */
export function intervalKey(bounds: PeriodBounds): string {
  return `${bounds.start}/${bounds.end}`;
}

/**
 * The period key a quota counts `instant` under: 'total' for `none`, 'YYYY-MM' for a calendar
 * month (as every release has), else the period's interval `start/end` (see {@link intervalKey}).
 */
export function periodKeyOf(terms: PeriodTerms, instant: string): string {
  if (terms.period === 'none') return TOTAL;
  if (isCalendarMonth(terms)) return instant.slice(0, 7);
  return intervalKey(periodBounds(terms, instant)!);
}

/** The bounds a period key names: a month's, an interval's; null for 'total'. */
export function boundsOfKey(key: string): PeriodBounds | null {
  if (key === TOTAL) return null;
  const slash = key.indexOf('/');
  if (slash >= 0) return { start: key.slice(0, slash), end: key.slice(slash + 1) };
  const [year, month] = key.split('-').map(Number);
  return { start: iso(Date.UTC(year, month - 1, 1)), end: iso(Date.UTC(year, month, 1)) };
}

/** Whether the period of `key` ends after `instant` (cumulative usage never ends). */
export function periodEndsAfter(key: string, instant: string): boolean {
  const bounds = boundsOfKey(key);
  return bounds === null || Date.parse(bounds.end) > Date.parse(instant);
}
