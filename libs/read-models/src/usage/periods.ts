import { projection } from '../projection';
import { count, rowsOf, type UsageCounts } from './projection';

/**
 * Usage per account × meter × the period it counted in, filed under the month that period is
 * billed in: a calendar month's usage under that month (period = the month, 'YYYY-MM'), the usage
 * of a day, a week, a year or an anchored month under the month its period starts in (period =
 * its interval 'start/end'). Billing reads a month's lines from it, and the quota view the
 * usage of a period other than the calendar month.
 */
export const usagePeriods = projection<UsageCounts>({
  name: 'usage_periods_v1',
  keys: ['month', 'account', 'meter', 'period'],
  // Each line of a multi-item usage under its own meter and the period it counted in.
  keysOf: (e) =>
    rowsOf(e, ({ data: { account, month } }, { meter, period }) =>
      period === undefined ? [month, account, meter, month] : [period.slice(0, 7), account, meter, period],
    ),
  evolve: (doc, e, [, , meter]) => count(doc, e, meter),
});
