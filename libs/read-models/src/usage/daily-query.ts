import type { SqlQueryable } from '@tally/eventstore';
import { tableOf } from '../projection';
import { dailyTables, usageDaily } from './daily';
import type { UsageCounts } from './projection';

/** A day of use as GET /v1/accounts/{a}/usage?granularity=day lists it. */
export interface DailyUsageLine extends UsageCounts {
  day: string;
  meter: string;
  subject?: string;
}

/** Daily use between two days ('YYYY-MM-DD') inclusive, per meter or per meter × subject, by day. */
export async function readDailyUsage(
  db: SqlQueryable,
  account: string,
  from: string,
  to: string,
  bySubject: boolean,
): Promise<DailyUsageLine[]> {
  const tables = dailyTables(tableOf(usageDaily));
  const subject = bySubject ? ', subject' : '';
  // The primary key (account, day, meter[, subject]) serves the range and the order.
  const { rows } = await db.query<{ day: string; meter: string; subject?: string } & Record<keyof UsageCounts, string | number>>(
    `select day, meter${subject}, units, requests, rejected from ${bySubject ? tables.perSubject : tables.perMeter}
      where account = $1 and day between $2 and $3 order by day, meter${subject}`,
    [account, from, to],
  );
  return rows.map((r) => ({
    day: r.day,
    meter: r.meter,
    ...(bySubject ? { subject: r.subject } : {}),
    units: Number(r.units),
    requests: Number(r.requests),
    rejected: Number(r.rejected),
  }));
}
