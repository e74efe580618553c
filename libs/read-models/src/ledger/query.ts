import type { SqlQueryable, SqlReader } from '@tally/eventstore';
import { tableOf } from '../projection';
import { dueRows, mergedPages } from './due-rows';
import { creditLedger, type LedgerKind, type LedgerRow } from './projection';

/** A place in a month's ledger: the last row read. */
export interface LedgerPosition {
  account: string;
  at: string;
  stream: string;
  revision: string;
  seq: number;
}

/** Rows a page of the ledger stream reads at once. */
export const LEDGER_PAGE_SIZE = 1000;

interface Row {
  account: string;
  at: string;
  kind: LedgerKind;
  grant_id: string;
  amount: string;
  usage: string | null;
  stream: string;
  revision: string;
  seq: number;
}

/**
 * A month's credit movements (of one account or all), page by page in order of account and
 * time: each page is one query starting after the last row of the one before (keyset over the
 * ledger's month index), so memory holds one page whatever the number of rows. A page is read
 * only once the one before has been consumed. With `now`, the movements due by then that the
 * account's next decision will record are among them (see {@link dueRows}), and every statement
 * of the answer reads one snapshot (see {@link SqlReader.snapshot}): a projection batch that
 * records a due expiry between two of them would otherwise show it twice (derived by one,
 * recorded in the other) or not at all. The snapshot ends with the pages (read to their end,
 * or the iterator returned).
 */
export async function* ledgerPages(
  db: SqlReader,
  month: string,
  selection: { account?: string; after?: LedgerPosition | null; limit?: number; pageSize?: number; now?: string } = {},
): AsyncGenerator<Array<LedgerRow & { position: LedgerPosition }>> {
  const { now, pageSize = LEDGER_PAGE_SIZE, limit = Infinity } = selection;
  // Recorded rows alone are only ever added: a keyset read over them shows each row once.
  if (now === undefined) return yield* recordedPages(db, month, selection);
  const snapshot = await db.snapshot();
  try {
    // What is due by now but not yet recorded takes its place among the recorded rows.
    const due = dueRows(snapshot, month, now, { ...selection, pageSize });
    yield* mergedPages(recordedPages(snapshot, month, selection), due, pageSize, limit);
  } finally {
    await snapshot.end();
  }
}

/** The rows events recorded, page by page. */
async function* recordedPages(
  db: SqlQueryable,
  month: string,
  {
    account,
    after = null,
    limit = Infinity,
    pageSize = LEDGER_PAGE_SIZE,
  }: { account?: string; after?: LedgerPosition | null; limit?: number; pageSize?: number },
): AsyncGenerator<Array<LedgerRow & { position: LedgerPosition }>> {
  let left = limit;
  let from = after;
  while (left > 0) {
    const size = Math.min(pageSize, left);
    const params: unknown[] = [month, account ?? null, size];
    const keyset = from ? `and (account, at, stream, revision, seq) > ($4, $5, $6, $7::bigint, $8::int)` : '';
    if (from) params.push(from.account, from.at, from.stream, from.revision, from.seq);
    const { rows } = await db.query<Row>(
      `select account, at, kind, grant_id, amount::text as amount, usage, stream, revision::text as revision, seq
         from ${tableOf(creditLedger)}
        where month = $1 and ($2::text is null or account = $2) ${keyset}
        order by month, account, at, stream, revision, seq
        limit $3`,
      params,
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      account: r.account,
      at: r.at,
      kind: r.kind,
      grant: r.grant_id,
      amount: Number(r.amount),
      ...(r.usage === null ? {} : { usage: r.usage }),
      position: { account: r.account, at: r.at, stream: r.stream, revision: r.revision, seq: Number(r.seq) },
    }));
    if (rows.length < size) return;
    left -= rows.length;
    const last = rows[rows.length - 1];
    from = { account: last.account, at: last.at, stream: last.stream, revision: last.revision, seq: Number(last.seq) };
  }
}
