import { MONTH_PATTERN } from '@tally/events';
import type { FieldError } from '@tally/messages';

/** A month `YYYY-MM` or a day `YYYY-MM-DD` (which of the two the granularity says). */
export const PERIOD_PATTERN = /^\d{4}-\d{2}(-\d{2})?$/;
export const PERIOD_RULE = {
  message: ({ property }: { property: string }) =>
    `${property} must be a month written YYYY-MM, or a day written YYYY-MM-DD with granularity=day`,
};

/** The longest span of a daily usage query, in days (a leap year). */
export const MAX_DAYS = 366;

const DAY_MS = 86_400_000;

/** The UTC midnight of a calendar day `YYYY-MM-DD`, or null if it is no such day (2026-02-30). */
function dayStart(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day ? null : ms;
}

/** What is wrong with a usage query's bounds for its granularity, field by field (empty when nothing). */
export function periodErrors(from: string, to: string, granularity: 'month' | 'day'): FieldError[] {
  if (granularity === 'month') {
    const errors = [
      ...(MONTH_PATTERN.test(from) ? [] : [{ field: 'from', reason: 'from must be a month written YYYY-MM' }]),
      ...(MONTH_PATTERN.test(to) ? [] : [{ field: 'to', reason: 'to must be a month written YYYY-MM' }]),
    ];
    if (errors.length) return errors;
    return from > to ? [{ field: 'from', reason: 'from must not be after to' }] : [];
  }
  const [start, end] = [dayStart(from), dayStart(to)];
  const errors = [
    ...(start === null ? [{ field: 'from', reason: 'from must be a calendar day written YYYY-MM-DD' }] : []),
    ...(end === null ? [{ field: 'to', reason: 'to must be a calendar day written YYYY-MM-DD' }] : []),
  ];
  if (start === null || end === null) return errors;
  if (start > end) return [{ field: 'from', reason: 'from must not be after to' }];
  const days = (end - start) / DAY_MS + 1;
  return days > MAX_DAYS
    ? [{ field: 'to', reason: `to must be at most ${MAX_DAYS} days from from (inclusive); it is ${days}` }]
    : [];
}
