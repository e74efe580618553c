import { billingLine, boundsOfKey, monthBounds, quotaInForce, type BillingLine } from '@tally/domain';
import { completeTerms, DEFAULT_QUOTA_TERMS, type QuotaTerms } from '@tally/events';
import type { SqlQueryable, SqlReader } from '@tally/eventstore';
import { meters, type MeterDoc } from '../meters/projection';
import { tableOf } from '../projection';
import { quotas, type QuotaDoc } from '../quotas/projection';
import { usagePeriods } from '../usage/periods';
import type { UsageCounts } from '../usage/projection';

/** A place in a month's billing lines, which are ordered by account, meter, then period: the last line read. */
export interface BillingPosition {
  account: string;
  meter: string;
  /** The period key of the line ('YYYY-MM' or an interval); absent: after every line of the account × meter. */
  period?: string;
}

/** The period key of a billing line: its interval when it names one, else its month. */
export function billingPeriodKey(line: Pick<BillingLine, 'month' | 'periodStart' | 'periodEnd'>): string {
  return line.periodStart && line.periodEnd ? `${line.periodStart}/${line.periodEnd}` : line.month;
}

/** Which billing lines to read: of one account or all, after a position, how many at most. */
export interface BillingSelection {
  account?: string;
  after?: BillingPosition | null;
  /** At most this many lines in all (every line when absent). */
  limit?: number;
  /** Lines per database round trip (default 1,000): what is in memory at once. */
  pageSize?: number;
  /** Told how many rows each round trip read, as it reads them. */
  onRead?: (rows: number) => void;
}

/** Lines a page of the billing stream reads at once. */
export const BILLING_PAGE_SIZE = 1000;

/**
 * Billing lines of a month, priced by the terms in force at its end (or now, if still open): one
 * per account × meter for usage counted in calendar months, and one per period that starts in
 * the month for usage counted in days, weeks, years or anchored months, priced by the terms in
 * force at that period's end and naming its `periodStart` and `periodEnd`. Billing has no table
 * of its own: it joins usage per period with the quotas' and meters' history.
 */
export async function readBilling(db: SqlReader, month: string, now: string, account?: string): Promise<BillingLine[]> {
  const lines: BillingLine[] = [];
  for await (const page of billingPages(db, month, now, { account })) lines.push(...page);
  return lines;
}

/**
 * The same lines, page by page, in order of account and meter: each page is one query that
 * starts after the last line of the one before (keyset pagination over the index
 * `(month, account, meter)`), so memory holds one page whatever the number of accounts, on
 * PostgreSQL and PGlite alike. A page is read only when the one before has been consumed. Every
 * page reads one snapshot (see {@link SqlReader.snapshot}), so the answer is the month's lines
 * at one instant: a decision projected meanwhile (a usage of several meters counts on several
 * lines) is in all of its lines or in none. The snapshot ends with the pages.
 */
export async function* billingPages(
  db: SqlReader,
  month: string,
  now: string,
  selection: BillingSelection = {},
): AsyncGenerator<BillingLine[]> {
  const snapshot = await db.snapshot();
  try {
    yield* pagesOf(snapshot, month, now, selection);
  } finally {
    await snapshot.end();
  }
}

async function* pagesOf(
  db: SqlQueryable,
  month: string,
  now: string,
  selection: BillingSelection,
): AsyncGenerator<BillingLine[]> {
  const monthEnd = monthBounds(month).end;
  const pageSize = selection.pageSize ?? BILLING_PAGE_SIZE;
  let after = selection.after ?? null;
  let left = selection.limit ?? Infinity;
  while (left > 0) {
    const size = Math.min(pageSize, left);
    const rows = await readPage(db, month, selection.account ?? null, after, size);
    selection.onRead?.(rows.length);
    if (rows.length === 0) return;
    yield rows.map((r) => {
      const interval = r.period === month ? null : boundsOfKey(r.period);
      const cutoff = [interval?.end ?? monthEnd, now].sort()[0];
      const terms =
        quotaInForce(inForce(r.quota?.history ?? [], cutoff), inForce(r.def?.defaultQuotaHistory ?? [], cutoff)) ??
        DEFAULT_QUOTA_TERMS;
      const key = { account: r.account, meter: r.meter, month };
      return billingLine(interval ? { ...key, periodStart: interval.start, periodEnd: interval.end } : key, r.units.units, terms);
    });
    if (rows.length < size) return;
    left -= rows.length;
    const last = rows[rows.length - 1];
    after = { account: last.account, meter: last.meter, period: last.period };
  }
}

interface BillingRow {
  account: string;
  meter: string;
  period: string;
  units: UsageCounts;
  quota: QuotaDoc | null;
  def: MeterDoc | null;
}

function readPage(
  db: SqlQueryable,
  month: string,
  account: string | null,
  after: BillingPosition | null,
  limit: number,
): Promise<{ rows: BillingRow[] }['rows']> {
  // The keyset condition is spliced in only when there is a position, so that the planner sees
  // a plain range on the index.
  const params: unknown[] = [month, account, limit];
  const keyset = !after
    ? ''
    : after.period === undefined
      ? `and (u.account, u.meter) > ($4, $5)`
      : `and (u.account, u.meter, u.period) > ($4, $5, $6)`;
  if (after) params.push(after.account, after.meter, ...(after.period === undefined ? [] : [after.period]));
  return db
    .query<BillingRow>(
      `select u.account, u.meter, u.period, u.doc as units, q.doc as quota, m.doc as def
         from ${tableOf(usagePeriods)} u
         left join ${tableOf(quotas)} q on q.account = u.account and q.meter = u.meter
         left join ${tableOf(meters)} m on m.meter = u.meter
        where u.month = $1 and ($2::text is null or u.account = $2) and (u.doc->>'units')::bigint > 0 ${keyset}
        order by u.month, u.account, u.meter, u.period
        limit $3`,
      params,
    )
    .then((r) => r.rows);
}

function inForce(history: Array<{ at: string; terms: QuotaTerms | null }>, cutoff: string): QuotaTerms | null {
  const entry = history.filter((h) => h.at < cutoff).at(-1);
  return entry?.terms ? completeTerms(entry.terms) : null;
}
