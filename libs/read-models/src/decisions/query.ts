import { keptAttributes } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import { tableOf } from '../projection';
import { decisionOfRow, decisions, type DecisionDoc } from './projection';

/** An audit-log entry: the decision, its reversal if any, and its `position` in the log (a paging cursor). */
export type DecisionView = Omit<DecisionDoc, 'seq'> & { position: string };

/** A row of the log as read: its key, its columns as text (in the projection's order), its document. */
type DecisionRow = Record<string, string | null> & { source: string; id: string; account: string; doc: unknown };

const COLUMNS = (decisions.row as NonNullable<typeof decisions.row>).columns.map((c) => c.name);
// Read as text under names of their own: an output column named as its table column would be
// what `order by seq_hi desc, seq_lo desc` sorts by, as text ("9" after "10").
const SELECT = `select source, id, account, ${COLUMNS.map((c, i) => `${c}::text as c${i}`).join(', ')}, doc from ${tableOf(decisions)}`;

const decisionOf = (row: DecisionRow): DecisionDoc =>
  decisionOfRow(
    row.source,
    row.id,
    row.account,
    COLUMNS.map((_, i) => row[`c${i}`] as string | null),
    row.doc,
  );

/** The account's decisions, newest first; `before` (a position from an earlier page) gives the ones older than it. */
export async function readDecisions(
  db: SqlQueryable,
  account: string,
  limit: number,
  before: string | null,
): Promise<DecisionView[]> {
  const bound = before === null ? null : olderThan(before);
  const { rows } = await db.query<DecisionRow>(
    bound
      ? `${SELECT} where account = $1 and (seq_hi, seq_lo) < ($3::bigint, $4::bigint) order by seq_hi desc, seq_lo desc limit $2`
      : `${SELECT} where account = $1 order by seq_hi desc, seq_lo desc limit $2`,
    bound ? [account, limit, bound[0], bound[1]] : [account, limit],
  );
  return rows.map((row) => viewOf(decisionOf(row)));
}

const MAX_BIGINT = 2n ** 63n - 1n;

/**
 * `before` as the bound `(seq_hi, seq_lo) < bound` of the entries older than it, or null when
 * every entry is. v2 compared zero-padded text, "hi:lo" against `before`'s one to four numbers:
 * one number X keeps hi < X; two, (hi, lo) < (X, Y); more, (hi, lo) ≤ (X, Y), since an entry's
 * text is then a prefix of `before`'s. Positions are below 2^63 (PostgreSQL's xid8 and
 * EventStoreDB's positions), so a bound beyond it bounds nothing.
 */
export function olderThan(before: string): [string, string] | null {
  const numbers = before.split(':').map((n) => BigInt(n));
  let [hi, lo] = [numbers[0], numbers.length === 1 ? -1n : numbers.length === 2 ? numbers[1] : numbers[1] + 1n];
  if (lo > MAX_BIGINT) [hi, lo] = [hi + 1n, -1n];
  return hi > MAX_BIGINT ? null : [hi.toString(), lo.toString()];
}

function viewOf(doc: DecisionDoc): DecisionView {
  return {
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
  };
}

/** Which accounts decided a usage with this source and id (normally one). */
export async function readAccountsOfUsage(db: SqlQueryable, source: string, id: string): Promise<string[]> {
  const { rows } = await db.query<{ account: string }>(
    `select account from ${tableOf(decisions)} where source = $1 and id = $2 order by seq_hi desc, seq_lo desc`,
    [source, id],
  );
  return rows.map((r) => r.account);
}
