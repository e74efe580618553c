import { addDays, addMonths, currentDay, currentMonth, daysBetween, monthsBetween } from '../format';

/** One series (a meter or a subject) of values, one per period (a month or a day). */
export interface Series {
  name: string;
  values: number[];
}

/** A usage line of either granularity: monthly lines name their `month`, daily ones their `day`. */
export interface PeriodLine {
  month?: string;
  day?: string;
  units: number;
}

/** The period a line counts in: its day for a daily line, else its month. */
export const periodOf = (line: PeriodLine): string => line.day ?? line.month ?? '';

/** Groups usage lines into series by a key (meter or subject), one value per period, zero where none. */
export function toSeries<T extends PeriodLine>(lines: T[], periods: string[], key: (line: T) => string): Series[] {
  const byName = new Map<string, number[]>();
  for (const line of lines) {
    const values = byName.get(key(line)) ?? periods.map(() => 0);
    const index = periods.indexOf(periodOf(line));
    if (index >= 0) values[index] += line.units;
    byName.set(key(line), values);
  }
  return [...byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, values]) => ({ name, values }));
}

export type Granularity = 'month' | 'day';

/** How far back the account page's charts look: six months by month, or thirty days by day. */
export const SPAN: Record<Granularity, number> = { month: 6, day: 30 };

/**
 * The window of a chart ending in the current UTC month or day: its periods, oldest first, and the
 * query string that asks `GET …/usage` for them (`from`/`to` are months, or days with `granularity=day`).
 */
export function usageWindow(granularity: Granularity, now = new Date()): { periods: string[]; query: string } {
  if (granularity === 'day') {
    const to = currentDay(now);
    const from = addDays(to, -(SPAN.day - 1));
    return { periods: daysBetween(from, to), query: `granularity=day&from=${from}&to=${to}` };
  }
  const to = currentMonth(now);
  const from = addMonths(to, -(SPAN.month - 1));
  return { periods: monthsBetween(from, to), query: `from=${from}&to=${to}` };
}
