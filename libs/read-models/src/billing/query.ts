import { billingLine, monthBounds, type BillingLine } from '@tally/domain';
import { completeTerms, DEFAULT_QUOTA_TERMS, type QuotaTerms } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import { meters, type MeterDoc } from '../meters/projection';
import { tableOf } from '../projection';
import { quotas, type QuotaDoc } from '../quotas/projection';
import { usageMonthly, type UsageCounts } from '../usage/projection';

/**
 * Billing lines of a month, priced by the terms in force at its end (or now, if still open).
 * Billing has no table of its own: it joins monthly usage with the quotas' and meters' history.
 */
export async function readBilling(db: SqlQueryable, month: string, now: string, account?: string): Promise<BillingLine[]> {
  const cutoff = [monthBounds(month).end, now].sort()[0];
  const { rows } = await db.query<{
    account: string;
    meter: string;
    units: UsageCounts;
    quota: QuotaDoc | null;
    def: MeterDoc | null;
  }>(
    `select u.account, u.meter, u.doc as units, q.doc as quota, m.doc as def
       from ${tableOf(usageMonthly)} u
       left join ${tableOf(quotas)} q on q.account = u.account and q.meter = u.meter
       left join ${tableOf(meters)} m on m.meter = u.meter
      where u.month = $1 and ($2::text is null or u.account = $2) and (u.doc->>'units')::bigint > 0
      order by u.account, u.meter`,
    [month, account ?? null],
  );
  return rows.map((r) => {
    const terms =
      inForce(r.quota?.history ?? [], cutoff) ?? inForce(r.def?.defaultQuotaHistory ?? [], cutoff) ?? DEFAULT_QUOTA_TERMS;
    return billingLine({ account: r.account, meter: r.meter, month }, r.units.units, terms);
  });
}

function inForce(history: Array<{ at: string; terms: QuotaTerms | null }>, cutoff: string): QuotaTerms | null {
  const entry = history.filter((h) => h.at < cutoff).at(-1);
  return entry?.terms ? completeTerms(entry.terms) : null;
}
