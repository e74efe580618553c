import {
  CLAIM_WINDOW_DAYS,
  ClaimTakenError,
  WrongExpectedRevisionError,
  type StreamAppend,
  type StreamAppendOutcome,
} from '../event-store';
import { APPEND_CHANNEL } from './schema';
import { UNIQUE_VIOLATION, refusesData, sqlState, type SqlQueryable } from './sql-client';
import { encodeCheckpoint } from '../checkpoint';

// A deadlock cannot happen between two group commits (both insert in stream-name order), but if
// another writer's order crosses ours the parts are simply appended one by one.
const DEADLOCK_DETECTED = '40P01';
// Two parts of one statement claiming the same key (they would be the same account's).
const CARDINALITY_VIOLATION = '21000';

/** Why a statement was refused as a whole: nothing was written; the caller appends part by part. */
export interface GroupRefused {
  refused: unknown;
}

interface PartRow {
  part: number;
  revision: string | bigint;
  last_revision: string | bigint | null;
  last_position: string | bigint | null;
  transaction_id: string;
  taken: boolean;
  /** At its expected revision and none of its claims taken: written, unless an atomic append's other part was not. */
  ok: boolean;
}

/**
 * The group statement, prepared once per connection (its text never changes): the whole group is
 * its one parameter, a jsonb object of three flat arrays, so that the payload is serialised once
 * and parsed once and the event data go into the table as the jsonb values they already are:
 * `"p"`, the parts in stream-name order, `[stream, expected revision or null, atomic unit or null]`;
 * `"e"`, the events, `[part, ordinal, type, data]`; `"c"`, the claims, `[part, event ordinal,
 * account, source, id, kind, at]`. Flat, not nested, so that the planner's row estimates stay
 * those of three short lists. A claim is looked up by the index's key, one probe per claim,
 * whatever the sizes (a scalar subquery, which the planner cannot turn into a join over the table).
 */
const GROUP_STATEMENT = {
  name: 'tally_append_group_v1',
  text: `with parts as (
     select (p.n - 1)::int as part, p.v->>0 as stream, (p.v->>1)::bigint as expected, p.v->>2 as unit
       from jsonb_array_elements($1::jsonb->'p') with ordinality as p(v, n)
   ),
   claims as (
     select (k.v->>0)::int as part, (k.v->>1)::int as ord, k.v->>2 as account, k.v->>3 as source, k.v->>4 as id,
            k.v->>5 as kind, (k.v->>6)::timestamptz as at
       from jsonb_array_elements($1::jsonb->'c') as k(v)
   ),
   taken as (
     select distinct k.part from claims k
      where (select true from tally_claims t
              where t.account = k.account and t.source = k.source and t.id = k.id and t.kind = k.kind
                and t.claimed_at >= k.at - interval '${CLAIM_WINDOW_DAYS} days')
   ),
   current as materialized (
     select p.part, p.stream, p.expected, p.unit,
            coalesce((select max(e.stream_revision) from tally_events e where e.stream_id = p.stream), -1) as revision,
            t.part is not null as taken
       from parts p left join taken t on t.part = p.part
   ),
   checked as (
     select c.*, (c.expected is null or c.revision = c.expected) and not c.taken as ok from current c
   ),
   writing as (
     select c.* from checked c
      where c.ok and not exists (select 1 from checked f where f.unit = c.unit and not f.ok)
   ),
   appended as (
     insert into tally_events (stream_id, stream_revision, event_type, data)
     select c.stream, c.revision + (i.v->>1)::int, i.v->>2, i.v->3
       from jsonb_array_elements($1::jsonb->'e') as i(v)
       join writing c on c.part = (i.v->>0)::int
      order by c.part, (i.v->>1)::int
     returning global_position, stream_id, stream_revision
   ),
   claimed as (
     insert into tally_claims (account, source, id, kind, stream_id, stream_revision, claimed_at)
     select k.account, k.source, k.id, k.kind, c.stream, c.revision + k.ord, k.at
       from claims k join writing c on c.part = k.part
     on conflict (account, source, id, kind) do update
        set stream_id = excluded.stream_id, stream_revision = excluded.stream_revision, claimed_at = excluded.claimed_at
      where tally_claims.claimed_at < excluded.claimed_at - interval '${CLAIM_WINDOW_DAYS} days'
     returning 1
   ),
   summary as (
     select stream_id, max(stream_revision) as last_revision, max(global_position) as last_position
       from appended group by stream_id
   ),
   notified as (
     select pg_notify('${APPEND_CHANNEL}', '')::text as notified from (select 1 from summary limit 1) one
   )
   select c.part, c.revision, c.taken, c.ok, s.last_revision, s.last_position,
          pg_current_xact_id()::text as transaction_id, n.notified
     from checked c
     left join summary s on s.stream_id = c.stream
     left join notified n on true
    order by c.part`,
};

/** The group statement's parameter (see {@link GROUP_STATEMENT}). */
interface GroupParam {
  p: Array<[string, string | null, string | null]>;
  e: Array<[number, number, string, unknown]>;
  c: Array<[number, number, string, string, string, string, string]>;
}

/**
 * Appends every part in ONE statement (so one transaction, one round trip and one fsync): each
 * part's revision is read and checked inside it, only the parts at their expected revision are
 * inserted with their claims (see schema.ts), and subscribers are notified once. A part behind
 * its stream, or one of whose claims is taken, comes back as a conflict without touching the
 * others. Resolves {@link GroupRefused} when the statement as a whole was refused
 * (a concurrent writer took one of the revisions, or one part's data is invalid): nothing was
 * written, and the caller isolates the part at fault (see SqlEventStore.appendMany).
 * The parts must name distinct streams.
 *
 * Parts with the same `atomic` key (see {@link StreamAppend.atomic}), and with the `atomic` option
 * every part, are written all or nothing: if one of them conflicts, none of them is inserted, and
 * each one's outcome carries the error of the part that failed on its own.
 */
export async function appendManyOnce(
  db: SqlQueryable,
  appends: StreamAppend[],
  { atomic = false }: { atomic?: boolean } = {},
): Promise<StreamAppendOutcome[] | GroupRefused> {
  // Stream-name order: two group commits that share streams lock their keys in the same order.
  const order = appends.map((_, i) => i).sort((a, b) => (appends[a].stream < appends[b].stream ? -1 : 1));
  const group: GroupParam = { p: [], e: [], c: [] };
  order.forEach((index, part) => {
    const { stream, expected, events, claims = [], atomic: unit } = appends[index];
    group.p.push([stream, revisionCheck(expected), atomic ? 'all' : (unit ?? null)]);
    events.forEach((event, i) => group.e.push([part, i + 1, event.type, event.data]));
    for (const k of claims) group.c.push([part, k.event + 1, k.account, k.source, k.id, k.kind, k.at]);
  });
  let rows: PartRow[];
  try {
    ({ rows } = await db.query<PartRow>(GROUP_STATEMENT.text, [JSON.stringify(group)], { prepare: GROUP_STATEMENT.name }));
  } catch (error) {
    const state = sqlState(error);
    if (state === UNIQUE_VIOLATION || state === DEADLOCK_DETECTED || state === CARDINALITY_VIOLATION || refusesData(error)) {
      return { refused: error };
    }
    throw error;
  }
  const outcomes: StreamAppendOutcome[] = new Array(appends.length);
  for (const row of rows) {
    const { stream, expected: wanted } = appends[order[row.part]];
    const actual = actualOf(BigInt(row.revision));
    outcomes[order[row.part]] = row.taken
      ? { ok: false, error: new ClaimTakenError(stream, wanted, actual) }
      : !row.ok || row.last_revision === null || row.last_position === null
        ? { ok: false, error: new WrongExpectedRevisionError(stream, wanted, actual) }
        : {
            ok: true,
            result: {
              nextRevision: BigInt(row.last_revision),
              position: encodeCheckpoint(row.transaction_id, row.last_position),
            },
          };
  }
  // A unit with a failed part wrote nothing: each of its parts answers with that part's failure.
  const unitOf = (i: number) => (atomic ? 'all' : appends[i].atomic);
  const failedUnits = new Map<string, StreamAppendOutcome>();
  for (const row of rows) {
    const unit = unitOf(order[row.part]);
    if (unit !== undefined && !row.ok && !failedUnits.has(unit)) failedUnits.set(unit, outcomes[order[row.part]]);
  }
  appends.forEach((_, i) => {
    const unit = unitOf(i);
    const failed = unit === undefined ? undefined : failedUnits.get(unit);
    if (failed) outcomes[i] = failed;
  });
  return outcomes;
}

/** The revision an append must find, as the statement checks it: null for 'any', -1 for 'no_stream'. */
export function revisionCheck(expected: StreamAppend['expected']): string | null {
  return expected === 'any' ? null : expected === 'no_stream' ? '-1' : expected.toString();
}

function actualOf(revision: bigint): bigint | 'no_stream' {
  return revision < 0n ? 'no_stream' : revision;
}
