import type { SqlQueryable } from '@tally/eventstore';
import { tableOf } from '../projection';
import { usageMonthly, usageMonthlyBySubject, type UsageCounts } from './projection';

/** A month of use as GET /v1/accounts/{a}/usage lists it. */
export interface UsageLine extends UsageCounts {
  month: string;
  meter: string;
  subject?: string;
}

/** Monthly use between two months inclusive, per meter or per meter × subject. */
export async function readUsage(
  db: SqlQueryable,
  account: string,
  from: string,
  to: string,
  bySubject: boolean,
): Promise<UsageLine[]> {
  const table = tableOf(bySubject ? usageMonthlyBySubject : usageMonthly);
  const subject = bySubject ? ', subject' : '';
  const { rows } = await db.query<{ month: string; meter: string; subject?: string; doc: UsageCounts }>(
    `select month, meter${subject}, doc from ${table}
      where account = $1 and month between $2 and $3 order by month, meter${subject}`,
    [account, from, to],
  );
  return rows.map((r) => ({
    month: r.month,
    meter: r.meter,
    ...(bySubject ? { subject: r.subject } : {}),
    units: r.doc.units,
    requests: r.doc.requests,
    rejected: r.doc.rejected,
  }));
}
