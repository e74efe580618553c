import {
  billingLine,
  currentPeriodKey,
  monthBounds,
  monthOf,
  quotaStatus,
  TOTAL,
  type BillingLine,
  type QuotaStatus,
} from '@tally/domain';
import { completeTerms, DEFAULT_QUOTA_TERMS, keptAttributes, type CreditTotals, type QuotaTerms } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import { listAccounts, type AccountSummary } from './account-list';
import type { DecisionDoc, MeterDoc, QuotaDoc, UsageCounts } from './projections';

/** A month of use as GET /v1/accounts/{a}/usage lists it. */
export interface UsageLine extends UsageCounts {
  month: string;
  meter: string;
  subject?: string;
}

/** An audit-log entry: the decision, its reversal if any, and its `position` in the log (a paging cursor). */
export type DecisionView = Omit<DecisionDoc, 'seq'> & { position: string };

/** Public view of a meter. */
export interface MeterView {
  meter: string;
  description: string | null;
  creditsPerUnit: number | null;
  defaultQuota: QuotaTerms | null;
  updatedAt: string;
}

/** Reads the projections. Every answer may lag the event store by the projector's delay. */
export class ReadModels {
  constructor(private readonly db: SqlQueryable) {}

  async meters(): Promise<MeterView[]> {
    const { rows } = await this.db.query<{ doc: MeterDoc }>('select doc from meters_v1 order by meter');
    return rows.map(({ doc }) => ({
      meter: doc.meter,
      description: doc.description,
      creditsPerUnit: doc.creditsPerUnit,
      defaultQuota: doc.defaultQuota ? completeTerms(doc.defaultQuota) : null,
      updatedAt: doc.updatedAt,
    }));
  }

  /** The account's quotas (own, else meter defaults) with usage in the period current at `now`. */
  async quotas(account: string, now: string, meter?: string): Promise<QuotaStatus[]> {
    const [own, defaults] = await Promise.all([
      this.db.query<{ meter: string; doc: QuotaDoc }>(
        'select meter, doc from quotas_v1 where account = $1 and ($2::text is null or meter = $2) order by meter',
        [account, meter ?? null],
      ),
      this.db.query<{ doc: MeterDoc }>(
        "select doc from meters_v1 where doc->'defaultQuota' <> 'null'::jsonb and ($1::text is null or meter = $1) order by meter",
        [meter ?? null],
      ),
    ]);
    // Rows projected by older releases may hold null terms: completed on read, never trusted.
    const terms = new Map<string, QuotaTerms>(defaults.rows.map(({ doc }) => [doc.meter, completeTerms(doc.defaultQuota)]));
    for (const row of own.rows) terms.set(row.meter, completeTerms(row.doc.terms));
    if (terms.size === 0) return [];

    const month = monthOf(now);
    const usage = await this.db.query<{ meter: string; month: string; doc: UsageCounts }>(
      `select meter, month, doc from usage_monthly_v1 where account = $1 and month = $2 and meter = any($3::text[])
       union all
       select meter, '${TOTAL}' as month, doc from usage_totals_v1 where account = $1 and meter = any($3::text[])`,
      [account, month, [...terms.keys()]],
    );
    const units = new Map(usage.rows.map((r) => [`${r.meter}|${r.month}`, r.doc.units]));
    return [...terms.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([m, t]) => quotaStatus(m, t, units.get(`${m}|${currentPeriodKey(t, now)}`) ?? 0, now));
  }

  async credits(account: string): Promise<CreditTotals | null> {
    const { rows } = await this.db.query<{ doc: CreditTotals }>('select doc from credits_v1 where account = $1', [account]);
    if (!rows[0]) return null;
    const { balance, granted, spent } = rows[0].doc;
    return { balance, granted, spent };
  }

  /** Monthly use between two months inclusive, per meter or per meter × subject. */
  async usage(account: string, from: string, to: string, bySubject: boolean): Promise<UsageLine[]> {
    const table = bySubject ? 'usage_monthly_subject_v1' : 'usage_monthly_v1';
    const subject = bySubject ? ', subject' : '';
    const { rows } = await this.db.query<{ month: string; meter: string; subject?: string; doc: UsageCounts }>(
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

  /** Billing lines of a month, priced by the terms in force at its end (or now, if still open). */
  async billing(month: string, now: string, account?: string): Promise<BillingLine[]> {
    const cutoff = [monthBounds(month).end, now].sort()[0];
    const { rows } = await this.db.query<{
      account: string;
      meter: string;
      units: UsageCounts;
      quota: QuotaDoc | null;
      def: MeterDoc | null;
    }>(
      `select u.account, u.meter, u.doc as units, q.doc as quota, m.doc as def
         from usage_monthly_v1 u
         left join quotas_v1 q on q.account = u.account and q.meter = u.meter
         left join meters_v1 m on m.meter = u.meter
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

  /** Accounts by id, after a cursor: see listAccounts. */
  accounts(after: string | null, limit: number): Promise<AccountSummary[]> {
    return listAccounts(this.db, after, limit);
  }

  /** The account's decisions, newest first; `before` (a position from an earlier page) gives the ones older than it. */
  async decisions(account: string, limit: number, before: string | null = null): Promise<DecisionView[]> {
    const { rows } = await this.db.query<{ doc: DecisionDoc }>(
      "select doc from decisions_v1 where account = $1 and ($3::text is null or doc->>'seq' < $3) order by doc->>'seq' desc limit $2",
      [account, limit, before],
    );
    return rows.map(({ doc }) => ({
      id: doc.id,
      source: doc.source,
      subject: doc.subject,
      account: doc.account,
      meter: doc.meter,
      quantity: doc.quantity,
      decision: doc.decision,
      ...(doc.reason ? { reason: doc.reason } : {}),
      overage: doc.overage,
      usage: doc.usage,
      limit: doc.limit,
      remaining: doc.remaining,
      decidedAt: doc.decidedAt,
      reportedBy: doc.reportedBy ?? null,
      reversedAt: doc.reversedAt,
      reversalReason: doc.reversalReason,
      ...keptAttributes(doc),
      position: doc.seq,
    }));
  }

  /** Which accounts decided a usage with this source and id (normally one). */
  async accountsOfUsage(source: string, id: string): Promise<string[]> {
    const { rows } = await this.db.query<{ account: string }>(
      "select account from decisions_v1 where source = $1 and id = $2 order by doc->>'seq' desc",
      [source, id],
    );
    return rows.map((r) => r.account);
  }
}

function inForce(history: Array<{ at: string; terms: QuotaTerms | null }>, cutoff: string): QuotaTerms | null {
  const entry = history.filter((h) => h.at < cutoff).at(-1);
  return entry?.terms ? completeTerms(entry.terms) : null;
}
