import { currentPeriodKey, monthOf, quotasInForce, TOTAL } from '@tally/domain';
import { completeTerms } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import { meters, type MeterDoc } from '../meters/projection';
import { tableOf } from '../projection';
import { usagePeriods } from '../usage/periods';
import { usageMonthly, usageTotals, type UsageCounts } from '../usage/projection';
import { readHeld } from '../reservations/query';
import { quotas, type QuotaDoc } from './projection';
import { quotaStatus, type QuotaStatus } from './quota-status';

/** The account's quotas (own, else meter defaults) with usage in the period current at `now`. */
export async function readQuotas(db: SqlQueryable, account: string, now: string, meter?: string): Promise<QuotaStatus[]> {
  const [own, defaults] = await Promise.all([
    db.query<{ meter: string; doc: QuotaDoc }>(
      `select meter, doc from ${tableOf(quotas)} where account = $1 and ($2::text is null or meter = $2) order by meter`,
      [account, meter ?? null],
    ),
    db.query<{ doc: MeterDoc }>(
      `select doc from ${tableOf(meters)} where doc->'defaultQuota' <> 'null'::jsonb and ($1::text is null or meter = $1) order by meter`,
      [meter ?? null],
    ),
  ]);
  // Rows projected by older releases may hold null terms: completed on read, never trusted.
  const terms = quotasInForce(
    own.rows.map((row) => [row.meter, completeTerms(row.doc.terms)] as const),
    defaults.rows.map(({ doc }) => [doc.meter, completeTerms(doc.defaultQuota)] as const),
  );
  if (terms.length === 0) return [];

  const month = monthOf(now);
  const keys = terms.map(([m, t]) => [m, currentPeriodKey(t, now)] as const);
  // Periods other than the calendar month (days, weeks, years, anchored months) are read by their interval.
  const intervals = keys.filter(([, key]) => key !== TOTAL && key !== month).map(([, key]) => key);
  const usage = await db.query<{ meter: string; month: string; doc: UsageCounts }>(
    `select meter, month, doc from ${tableOf(usageMonthly)} where account = $1 and month = $2 and meter = any($3::text[])
     union all
     select meter, '${TOTAL}' as month, doc from ${tableOf(usageTotals)} where account = $1 and meter = any($3::text[])
     union all
     select meter, period as month, doc from ${tableOf(usagePeriods)}
      where month = any($4::text[]) and account = $1 and meter = any($3::text[]) and period = any($5::text[])`,
    [account, month, terms.map(([m]) => m), [...new Set(intervals.map(monthOf))], intervals],
  );
  const units = new Map(usage.rows.map((r) => [`${r.meter}|${r.month}`, r.doc.units]));
  const held = await readHeld(db, account, now);
  return terms.map(([m, t], i) => {
    const key = keys[i][1];
    return quotaStatus(m, t, units.get(`${m}|${key}`) ?? 0, held.units(m, key), now);
  });
}
