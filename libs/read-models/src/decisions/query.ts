import { keptAttributes } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import { tableOf } from '../projection';
import { decisions, type DecisionDoc } from './projection';

/** An audit-log entry: the decision, its reversal if any, and its `position` in the log (a paging cursor). */
export type DecisionView = Omit<DecisionDoc, 'seq'> & { position: string };

/** The account's decisions, newest first; `before` (a position from an earlier page) gives the ones older than it. */
export async function readDecisions(
  db: SqlQueryable,
  account: string,
  limit: number,
  before: string | null,
): Promise<DecisionView[]> {
  const { rows } = await db.query<{ doc: DecisionDoc }>(
    `select doc from ${tableOf(decisions)} where account = $1 and ($3::text is null or doc->>'seq' < $3) order by doc->>'seq' desc limit $2`,
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
    ...(doc.items ? { items: doc.items } : {}),
    ...(doc.retryAfterMs === undefined ? {} : { retryAfterMs: doc.retryAfterMs }),
    reportedBy: doc.reportedBy ?? null,
    reversedAt: doc.reversedAt,
    reversalReason: doc.reversalReason,
    reservation: doc.reservation ?? null,
    ...keptAttributes(doc),
    position: doc.seq,
  }));
}

/** Which accounts decided a usage with this source and id (normally one). */
export async function readAccountsOfUsage(db: SqlQueryable, source: string, id: string): Promise<string[]> {
  const { rows } = await db.query<{ account: string }>(
    `select account from ${tableOf(decisions)} where source = $1 and id = $2 order by doc->>'seq' desc`,
    [source, id],
  );
  return rows.map((r) => r.account);
}
