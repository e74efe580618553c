import { refundsOf } from '@tally/domain';
import type { TallyEvent } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import type { ProjectedEvent, SqlProjection } from '../projection';
import { arrayLiteral, compareIds } from '../projection-rows';

/** What moved credits: a grant, a burn by a usage, an expiry, a void, a refund by a reversal. */
export type LedgerKind = 'granted' | 'burnt' | 'expired' | 'voided' | 'refunded';

/** One credit movement: `amount` is signed (what it did to the balance), at the instant it took effect. */
export interface LedgerRow {
  account: string;
  at: string;
  kind: LedgerKind;
  /** The grant it moved credits in ('' for a burn decided before grants recorded their burns). */
  grant: string;
  amount: number;
  /** The usage (`source/id`) that burnt or was refunded, when one did. */
  usage?: string;
}

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** The movements an event records, in order; events that move no credit record none. */
export function ledgerRowsOf(event: TallyEvent): LedgerRow[] {
  switch (event.type) {
    case 'CreditsGranted': {
      const { account, grantId, amount, at, effectiveAt, allowanceFor } = event.data;
      // A grant counts from its effectiveAt, never before it was recorded; an allowance's grant
      // from its period's start, as every reader shows it before it is recorded.
      return [{ account, at: allowanceFor ? effectiveAt : later(at, effectiveAt), kind: 'granted', grant: grantId, amount }];
    }
    case 'UsageAccepted': {
      const { creditsCharged, decidedAt: at, source, id } = event.data;
      // A tree member's usage burns its root's grants: the row is the payer's (docs/contract.md §2.7).
      const account = event.data.payer ?? event.data.account;
      if (creditsCharged === 0) return [];
      const usage = `${source}/${id}`;
      const burns = event.data.burns ?? [{ grant: '', amount: creditsCharged }];
      return burns.map((b) => ({ account, at, kind: 'burnt', grant: b.grant, amount: -b.amount, usage }));
    }
    case 'UsageReversed': {
      const { at, source, id } = event.data;
      const account = event.data.payer ?? event.data.account;
      const usage = `${source}/${id}`;
      return refundsOf(event.data).flatMap((r): LedgerRow[] => [
        { account, at, kind: 'refunded', grant: r.grant, amount: r.amount, usage },
        // A refund to a grant that has ended leaves the balance with it, at once.
        ...(r.expired ? [{ account, at, kind: 'expired' as const, grant: r.grant, amount: -r.amount, usage }] : []),
      ]);
    }
    case 'CreditsExpired':
      return [
        {
          account: event.data.account,
          at: event.data.at,
          kind: 'expired',
          grant: event.data.grantId,
          amount: -event.data.amount,
        },
      ];
    case 'GrantVoided':
      return [
        { account: event.data.account, at: event.data.at, kind: 'voided', grant: event.data.grantId, amount: -event.data.amount },
      ];
    default:
      return [];
  }
}

/**
 * Every credit movement, one row each, keyed by the event's stream and revision and its place
 * among the event's rows: projecting an event again writes nothing new. Rows are read by month
 * (of `at`) and account, in time order, along one index.
 */
export const creditLedger: SqlProjection = {
  name: 'credit_ledger_v1',
  schema: (table) => [
    `create table if not exists ${table} (stream text not null, revision bigint not null, seq int not null,
       account text not null, month text not null, at text not null, kind text not null, grant_id text not null,
       amount bigint not null, usage text, primary key (stream, revision, seq))`,
    `create index if not exists ${table}_month on ${table} (month, account, at, stream, revision, seq)`,
  ],
  tables: (table) => [table],
  apply: (tx, events, table) => applyLedger(tx, table, events),
};

async function applyLedger(tx: SqlQueryable, table: string, batch: readonly ProjectedEvent[]): Promise<void> {
  // In the primary key's order (stream, revision, then each event's rows in turn): the batch's
  // events come round robin over accounts' streams, and inserted in that order each row would
  // land on another leaf page of both indexes.
  const ordered = [...batch].sort(
    (a, b) =>
      compareIds(a.recorded.streamName, b.recorded.streamName) ||
      (a.recorded.revision < b.recorded.revision ? -1 : a.recorded.revision > b.recorded.revision ? 1 : 0),
  );
  // Each column's values in one list, row by row: what the statement's arrays are built from.
  const columns: Array<Array<string | number | null>> = [[], [], [], [], [], [], [], [], [], []];
  const [streams, revisions, seqs, accounts, months, ats, kinds, grants, amounts, usages] = columns;
  for (let i = 0; i < ordered.length; i++) {
    const { recorded, event } = ordered[i];
    const rows = ledgerRowsOf(event);
    const revision = recorded.revision.toString();
    for (let seq = 0; seq < rows.length; seq++) {
      const r = rows[seq];
      streams.push(recorded.streamName);
      revisions.push(revision);
      seqs.push(seq);
      accounts.push(r.account);
      months.push(r.at.slice(0, 7));
      ats.push(r.at);
      kinds.push(r.kind);
      grants.push(r.grant);
      amounts.push(r.amount);
      usages.push(r.usage ?? null);
    }
  }
  if (streams.length === 0) return;
  await tx.query(
    `insert into ${table} (stream, revision, seq, account, month, at, kind, grant_id, amount, usage)
     select * from unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[])
     on conflict (stream, revision, seq) do nothing`,
    columns.map(arrayLiteral),
  );
}
