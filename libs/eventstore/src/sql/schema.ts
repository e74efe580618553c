import type { SqlClient } from './sql-client';

/** Channel the store notifies on every append, so subscribers wake without waiting to poll. */
export const APPEND_CHANNEL = 'tally_events_appended';

// Key of the advisory lock that serialises schema creation across processes starting together.
const SCHEMA_LOCK = 7_342_001;

/**
 * The events table, and the claims index: which event answers for an (account, source, id) of
 * each kind, written in the same statement as the event, and the newest snapshot of a stream's
 * fold (docs/architecture.md "Bounded accounts").
 * `tally_events_type` serves followers of a few event types (the alert relays), which read
 * only those instead of every event.
 * `transaction_id` orders events by the transaction that wrote them, so a
 * subscriber reading only transactions below the oldest one still running can never skip an
 * event that commits late (see sql-event-store.ts).
 */
const DDL = `
create table if not exists tally_events (
  global_position bigserial primary key,
  transaction_id xid8 not null default pg_current_xact_id(),
  stream_id text not null,
  stream_revision bigint not null,
  event_type text not null,
  data jsonb not null,
  created_at timestamptz not null default now(),
  unique (stream_id, stream_revision)
);
create index if not exists tally_events_order on tally_events (transaction_id, global_position);
create index if not exists tally_events_type on tally_events (event_type, transaction_id, global_position);
create table if not exists tally_claims (
  account text not null,
  source text not null,
  id text not null,
  kind text not null,
  stream_id text not null,
  stream_revision bigint not null,
  claimed_at timestamptz not null,
  primary key (account, source, id, kind)
);
create index if not exists tally_claims_age on tally_claims (claimed_at);
create table if not exists tally_snapshots (
  stream_id text primary key,
  stream_revision bigint not null,
  data jsonb not null,
  taken_at timestamptz not null default now()
);
`;

/**
 * The claims of a store written before the claims index existed: every decision, hold end, commit
 * and reversal of the last 35 days, as the events that answer for them (the kinds of
 * libs/domain/src/claims.ts: a UsageAccepted right after the HoldReleased of the same id is the
 * usage a commit accepted). Run once, when the table is created.
 */
const BACKFILL_CLAIMS = `
insert into tally_claims (account, source, id, kind, stream_id, stream_revision, claimed_at)
select e.data->>'account', e.data->>'source', e.data->>'id',
       case split_part(e.event_type, '.', 1)
         when 'HoldReleased' then 'ended'
         when 'UsageReversed' then 'reversed'
         when 'UsageAccepted' then
           case when exists (
             select 1 from tally_events p
              where p.stream_id = e.stream_id and p.stream_revision = e.stream_revision - 1
                and split_part(p.event_type, '.', 1) = 'HoldReleased'
                and p.data->>'source' = e.data->>'source' and p.data->>'id' = e.data->>'id'
           ) then 'committed' else 'decided' end
         else 'decided'
       end,
       e.stream_id, e.stream_revision, coalesce(e.data->>'decidedAt', e.data->>'at')::timestamptz
  from tally_events e
 where split_part(e.event_type, '.', 1) in ('UsageAccepted', 'UsageRejected', 'UsageHeld', 'HoldReleased', 'UsageReversed')
   and coalesce(e.data->>'decidedAt', e.data->>'at')::timestamptz >= now() - interval '35 days'
on conflict do nothing`;

/** Creates the event-store tables if they are missing; safe to call from many processes at once. */
export async function ensureEventStoreSchema(db: SqlClient): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('select pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    const { rows } = await tx.query<{ missing: boolean }>("select to_regclass('tally_claims') is null as missing");
    for (const statement of DDL.split(';')
      .map((s) => s.trim())
      .filter(Boolean))
      await tx.query(statement);
    if (rows[0].missing) await tx.query(BACKFILL_CLAIMS);
  });
}
