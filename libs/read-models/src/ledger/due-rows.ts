import { creditsLeaving } from '@tally/domain';
import type { SqlQueryable } from '@tally/eventstore';
import { credits, dueFrom, walletOfDoc, type WalletDoc } from '../credits/projection';
import { tableOf } from '../projection';
import { creditLedger, ledgerRowsOf, type LedgerRow } from './projection';
import type { LedgerPosition } from './query';

/** A ledger row with its place in the month's order. */
export type PlacedRow = LedgerRow & { position: LedgerPosition };

// The database orders text by bytes (C collation); so does this.
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The order of the month's ledger: account, time, then stream, revision and place in the event. */
export function comparePositions(a: LedgerPosition, b: LedgerPosition): number {
  return (
    bytes(a.account, b.account) ||
    bytes(a.at, b.at) ||
    bytes(a.stream, b.stream) ||
    Number(BigInt(a.revision) - BigInt(b.revision)) ||
    a.seq - b.seq
  );
}

/**
 * The credit movements due by `now` in `month` that no event records yet: what expired (or a
 * hold's end freed) since the account's last decision, which that account's next decision will
 * record, dated when it happened. Derived from the credits read model by the domain's own rule,
 * in the same transaction's view as the ledger rows (one projection batch writes both), so a
 * movement shows once: derived before its event, from its event after. The two read models can
 * stand at different places in the store, though: while `credits_v3` is rebuilt (a version bump,
 * `projections:rebuild credits_v3`) it catches up behind a ledger that has recorded expiries its
 * wallets still hold. So each wallet is read with the ending movements its account's ledger
 * already records (one statement, one view of both), and a derived movement recorded there is
 * not shown again. Their place sorts before any recorded row at the same instant (no stream),
 * and pages by account like the ledger. The wallets scanned are found by the index on their
 * earliest ending (`credits_v3_due_from`), not by reading every wallet.
 */
export async function* dueRows(
  db: SqlQueryable,
  month: string,
  now: string,
  { account, after = null, pageSize }: { account?: string; after?: LedgerPosition | null; pageSize: number },
): AsyncGenerator<PlacedRow> {
  let from = after?.account ?? null;
  let inclusive = true;
  for (;;) {
    const { rows } = await db.query<{ account: string; doc: WalletDoc; recorded: Array<[string, string, string]> }>(
      `select account, doc,
              (select coalesce(jsonb_agg(jsonb_build_array(l.kind, l.grant_id, l.at)), '[]'::jsonb)
                 from ${tableOf(creditLedger)} l
                where l.month = $5 and l.account = c.account and l.kind in ('expired', 'voided')) as recorded
         from ${tableOf(credits)} c
        where ($1::text is null or account = $1)
          and ($2::text is null or account ${inclusive ? '>=' : '>'} $2)
          and ${dueFrom(tableOf(credits), 'c.doc')} <= $3::timestamptz
        order by account limit $4`,
      [account ?? null, from, now, pageSize, month],
    );
    for (const row of rows) {
      const recorded = (r: LedgerRow) =>
        row.recorded.some(([kind, grant, at]) => kind === r.kind && grant === r.grant && Date.parse(at) === Date.parse(r.at));
      const placed = creditsLeaving(walletOfDoc(row.doc), row.account, now)
        .flatMap(ledgerRowsOf)
        .filter((r) => r.at.slice(0, 7) === month && !recorded(r))
        .map((r, seq) => ({ ...r, position: { account: r.account, at: r.at, stream: '', revision: '0', seq } }));
      for (const r of placed) if (!after || comparePositions(r.position, after) > 0) yield r;
    }
    if (rows.length < pageSize) return;
    from = rows[rows.length - 1].account;
    inclusive = false;
  }
}

/** Two streams of rows in ledger order as one, in pages of at most `pageSize`, ending after `limit` rows. */
export async function* mergedPages(
  recorded: AsyncIterable<PlacedRow[]>,
  due: AsyncIterator<PlacedRow>,
  pageSize: number,
  limit: number,
): AsyncGenerator<PlacedRow[]> {
  let next = await due.next();
  let page: PlacedRow[] = [];
  let left = limit;
  const put = (row: PlacedRow) => {
    page.push(row);
    left -= 1;
  };
  for await (const rows of recorded) {
    for (const row of rows) {
      while (!next.done && left > 0 && comparePositions(next.value.position, row.position) < 0) {
        put(next.value);
        next = await due.next();
      }
      if (left > 0) put(row);
    }
    if (page.length >= pageSize || left === 0) {
      yield page;
      page = [];
    }
    if (left === 0) return;
  }
  while (!next.done && left > 0) {
    put(next.value);
    next = await due.next();
    if (page.length >= pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}
