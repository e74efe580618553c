import type { StoredEvent } from '@tally/events';
import { compareCheckpoints, encodeCheckpoint } from '../checkpoint';
import {
  CLAIM_WINDOW_DAYS,
  ClaimTakenError,
  EventRejectedError,
  WrongExpectedRevisionError,
  type Claim,
  type ClaimKey,
  type Snapshot,
  type AppendResult,
  type Checkpoint,
  type EventBatch,
  type EventStore,
  eventBatch,
  type ExpectedRevision,
  type RecordedEvent,
  type StreamAppend,
  type StreamAppendOutcome,
  type SubscribeOptions,
  type Subscription,
} from '../event-store';
import { appendEachOf } from '../append-each';
import { appendManyOnce, revisionCheck } from './append-many';
import { APPEND_CHANNEL, ensureEventStoreSchema } from './schema';
import { UNIQUE_VIOLATION, refusesData, sqlState, type SqlClient, type SqlQueryable } from './sql-client';
import { COLUMNS, createdAt, likePatterns, parseCheckpoint, STORE, toRecorded, type EventRow } from './event-rows';
import { SqlSubscription } from './sql-subscription';
import { FreshReads } from './fresh-reads';
import { GroupedReads } from './grouped-reads';

/**
 * The event store on PostgreSQL or PGlite. Appends rely on the unique (stream, revision) key
 * for optimistic concurrency; the global order is (transaction id, position), read only below
 * the oldest running transaction, which makes subscriptions gap-free without a global lock.
 */
export class SqlEventStore implements EventStore {
  private readonly freshReads: FreshReads;
  /** {@link readLastEvent}s asked for while a statement is out, read together: {@link GroupedReads}. */
  private readonly lastEvents = new GroupedReads<string, RecordedEvent | null>((streams) => this.readLastEvents(streams));
  /** {@link readSnapshot}s asked for while a statement is out, read together. */
  private readonly snapshots = new GroupedReads<string, Snapshot | null>((streams) => this.readSnapshots(streams));

  private constructor(private readonly db: SqlClient) {
    this.freshReads = new FreshReads(db);
  }

  static async create(db: SqlClient): Promise<SqlEventStore> {
    await ensureEventStoreSchema(db);
    return new SqlEventStore(db);
  }

  async appendToStream(
    stream: string,
    events: StoredEvent[],
    expected: ExpectedRevision,
    claims: Claim[] = [],
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    // 'any' has no revision to lose to: a race on the unique key just means reading again.
    for (let attempt = 1; ; attempt++) {
      try {
        return claims.length > 0
          ? await this.appendClaiming({ stream, events, expected, claims })
          : await this.appendOnce(stream, events, expected);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || error instanceof ClaimTakenError) throw error;
        if (expected !== 'any' || attempt >= 10) throw error;
      }
    }
  }

  /** One stream's append with its claims: the group commit's statement with one part. */
  private async appendClaiming(part: StreamAppend): Promise<AppendResult> {
    const result = await appendManyOnce(this.db, [part]);
    if ('refused' in result) {
      const { refused } = result;
      if (refusesData(refused)) throw new EventRejectedError(part.stream, (refused as Error).message, sqlState(refused));
      const actual = (await currentRevision(this.db, part.stream)) ?? 'no_stream';
      if (sqlState(refused) === UNIQUE_VIOLATION) throw new WrongExpectedRevisionError(part.stream, part.expected, actual);
      // A deadlock with another writer's order, or the part claiming one key twice: nothing written.
      throw new ClaimTakenError(part.stream, part.expected, actual);
    }
    const [outcome] = result;
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  async readClaimed(account: string, keys: ClaimKey[], now: string): Promise<RecordedEvent[]> {
    if (keys.length === 0) return [];
    const { rows } = await this.db.query<EventRow>(
      `select e.global_position, e.transaction_id::text as transaction_id, e.stream_id, e.stream_revision,
              e.event_type, e.data, ${createdAt('e.')}
         from tally_claims c
         join tally_events e on e.stream_id = c.stream_id and e.stream_revision = c.stream_revision
        where c.account = $1
          and (c.source, c.id) in (select * from unnest($2::text[], $3::text[]))
          and c.claimed_at >= $4::timestamptz - interval '${CLAIM_WINDOW_DAYS} days'
        order by e.global_position`,
      [account, keys.map((k) => k.source), keys.map((k) => k.id), now],
    );
    return rows.map(toRecorded);
  }

  /** Read with the other dry runs' reads asked for meanwhile: {@link FreshReads}. */
  readStreamWithClaimed(
    stream: string,
    fromRevision: bigint,
    claims: { account: string; keys: ClaimKey[]; now: string } | null,
  ): Promise<{ events: RecordedEvent[]; claimed: RecordedEvent[] }> {
    return this.freshReads.read(stream, fromRevision, claims);
  }

  /** Read with the other snapshot reads asked for meanwhile (cold loads of several accounts): one statement. */
  readSnapshot(stream: string): Promise<Snapshot | null> {
    return this.snapshots.read(stream);
  }

  /** The newest snapshot of each of `streams` (null where there is none), in the order given. */
  private async readSnapshots(streams: string[]): Promise<Array<Snapshot | null>> {
    const { rows } = await this.db.query<{ part: number; stream_revision: string | bigint; data: unknown }>(
      `select p.part::int as part, s.stream_revision, s.data
         from unnest($1::text[]) with ordinality as p(stream, part)
         join tally_snapshots s on s.stream_id = p.stream`,
      [streams],
      { prepare: 'tally_snapshots_read_v1' },
    );
    const snapshots = streams.map((): Snapshot | null => null);
    for (const row of rows) snapshots[Number(row.part) - 1] = { revision: BigInt(row.stream_revision), data: row.data };
    return snapshots;
  }

  async writeSnapshot(stream: string, snapshot: Snapshot): Promise<void> {
    await this.db.query(
      `insert into tally_snapshots (stream_id, stream_revision, data) values ($1, $2, $3::jsonb)
       on conflict (stream_id) do update set stream_revision = excluded.stream_revision, data = excluded.data, taken_at = now()
        where tally_snapshots.stream_revision < excluded.stream_revision`,
      [stream, snapshot.revision.toString(), JSON.stringify(snapshot.data)],
    );
  }

  async pruneClaims(before: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number | string }>(
      'with gone as (delete from tally_claims where claimed_at < $1::timestamptz returning 1) select count(*)::int as n from gone',
      [before],
    );
    return Number(rows[0].n);
  }

  /**
   * A group commit: every part in one statement (see append-many.ts). When that statement is
   * refused as a whole (a concurrent writer won a revision, or one part's data is invalid), the
   * group is bisected, its atomic units kept whole, until the unit at fault is alone: a refusal
   * among n units costs about 2·log2(n) statements, not n, and fails only its own unit. Each
   * statement is a transaction of its own, so a refused one wrote nothing.
   */
  async appendMany(appends: StreamAppend[]): Promise<StreamAppendOutcome[]> {
    if (appends.some((a) => a.events.length === 0)) throw new Error('appendMany needs at least one event per stream');
    const distinct = new Set(appends.map((a) => a.stream)).size === appends.length;
    return distinct ? this.appendBisecting(appends) : appendEachOf(this, appends);
  }

  private async appendBisecting(appends: StreamAppend[]): Promise<StreamAppendOutcome[]> {
    const units = unitsOf(appends);
    if (units.length <= 1) return appendEachOf(this, appends);
    const grouped = await appendManyOnce(this.db, appends);
    if (!('refused' in grouped)) return grouped;
    const outcomes: StreamAppendOutcome[] = new Array(appends.length);
    const half = Math.ceil(units.length / 2);
    // One half after the other: two parts that claim the same key (the cause of some refusals)
    // must not be appended by two transactions at once.
    for (const side of [units.slice(0, half).flat(), units.slice(half).flat()]) {
      const done = await this.appendBisecting(side.map((i) => appends[i]));
      done.forEach((outcome, k) => (outcomes[side[k]] = outcome));
    }
    return outcomes;
  }

  readonly atomicAcrossStreams = true;

  /**
   * All or nothing, in one statement (see append-many.ts): every part's revision and claims are
   * checked inside it and nothing is inserted unless all pass. A statement refused as a whole
   * because a concurrent writer took one of the revisions first is run again once the other
   * writer committed, and then finds that part behind its stream.
   */
  async appendAtomically(parts: StreamAppend[]): Promise<AppendResult[]> {
    if (parts.length === 0) return [];
    if (parts.some((a) => a.events.length === 0)) throw new Error('appendAtomically needs at least one event per stream');
    if (new Set(parts.map((a) => a.stream)).size !== parts.length) throw new Error('appendAtomically needs distinct streams');
    for (let attempt = 1; ; attempt++) {
      const result = await appendManyOnce(this.db, parts, { atomic: true });
      if (!('refused' in result)) {
        return result.map((outcome) => {
          if (!outcome.ok) throw outcome.error;
          return outcome.result;
        });
      }
      const { refused } = result;
      const streams = parts.map((p) => p.stream).join(', ');
      if (refusesData(refused)) throw new EventRejectedError(streams, (refused as Error).message, sqlState(refused));
      const [first] = parts;
      const actual = (await currentRevision(this.db, first.stream)) ?? 'no_stream';
      if (sqlState(refused) !== UNIQUE_VIOLATION) throw new ClaimTakenError(first.stream, first.expected, actual);
      if (attempt >= 3) throw new WrongExpectedRevisionError(first.stream, first.expected, actual);
    }
  }

  /**
   * One statement, so one round trip and its own transaction: check the stream's revision,
   * insert the events after it, and NOTIFY subscribers (delivered on commit). Two writers that
   * read the same revision collide on the unique (stream, revision) key.
   */
  private async appendOnce(stream: string, events: StoredEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const check = revisionCheck(expected);
    let rows: Array<{ global_position: string | bigint; transaction_id: string; stream_revision: string | bigint }>;
    try {
      ({ rows } = await this.db.query(
        `with current as (
           select coalesce(max(stream_revision), -1) as revision from tally_events where stream_id = $1
         ),
         appended as (
           insert into tally_events (stream_id, stream_revision, event_type, data)
           select $1, current.revision + e.ord, e.type, e.data::jsonb
             from current, unnest($2::text[], $3::text[]) with ordinality as e(type, data, ord)
            where $4::bigint is null or current.revision = $4::bigint
            order by e.ord
           returning global_position, transaction_id, stream_revision
         )
         select global_position, transaction_id::text as transaction_id, stream_revision,
                pg_notify('${APPEND_CHANNEL}', $1)::text as notified
           from appended order by global_position`,
        [stream, events.map((e) => e.type), events.map((e) => JSON.stringify(e.data)), check],
      ));
    } catch (error) {
      const state = sqlState(error);
      // A data exception (NUL or a lone surrogate in jsonb, a value out of range or too large):
      // the payload, not the store, is at fault, and retrying cannot cure it.
      if (refusesData(error)) throw new EventRejectedError(stream, (error as Error).message, state);
      if (state !== UNIQUE_VIOLATION) throw error;
      rows = [];
    }
    if (rows.length === 0) {
      throw new WrongExpectedRevisionError(stream, expected, (await currentRevision(this.db, stream)) ?? 'no_stream');
    }
    const last = rows[rows.length - 1];
    return { nextRevision: BigInt(last.stream_revision), position: encodeCheckpoint(last.transaction_id, last.global_position) };
  }

  /**
   * A stream's revisions are contiguous, so a page is also bounded above: `revision < from + max`.
   * Without that bound, a planner whose statistics lag a fast-grown stream (a million events in a
   * few minutes) picked a bitmap scan of the whole rest of the stream and an on-disk sort of it per
   * page (3 to 6 s each, minutes for a month folded without snapshots); with it, a page reads at
   * most its own rows whatever the plan.
   */
  async readStream(stream: string, fromRevision = 0n, maxCount?: number): Promise<RecordedEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      `select ${COLUMNS} from tally_events
        where stream_id = $1 and stream_revision >= $2::bigint
          and ($3::bigint is null or stream_revision < $2::bigint + $3::bigint)
        order by stream_revision limit $3`,
      [stream, fromRevision.toString(), maxCount ?? null],
    );
    return rows.map(toRecorded);
  }

  async readStreams(streams: readonly string[]): Promise<RecordedEvent[][]> {
    if (streams.length === 0) return [];
    const { rows } = await this.db.query<EventRow>(
      `select ${COLUMNS} from tally_events where stream_id = any($1::text[]) order by stream_id, stream_revision`,
      [streams],
    );
    const byStream = new Map<string, RecordedEvent[]>();
    for (const row of rows) {
      const events = byStream.get(row.stream_id);
      if (events) events.push(toRecorded(row));
      else byStream.set(row.stream_id, [toRecorded(row)]);
    }
    return streams.map((stream) => byStream.get(stream) ?? []);
  }

  /** Read with the other last-event reads asked for meanwhile (cold loads of several accounts): {@link readLastEvents}. */
  readLastEvent(stream: string): Promise<RecordedEvent | null> {
    return this.lastEvents.read(stream);
  }

  async readLastEvents(streams: readonly string[]): Promise<Array<RecordedEvent | null>> {
    if (streams.length === 0) return [];
    // A lateral subquery per stream: each an index lookup of (stream_id, stream_revision) backwards,
    // whatever the planner estimates for unnest. Prepared once per connection (its text never changes).
    const { rows } = await this.db.query<EventRow & { part: number }>(
      `select p.part::int as part, e.*
         from unnest($1::text[]) with ordinality as p(stream, part)
         cross join lateral (
           select e.global_position, e.transaction_id::text as transaction_id, e.stream_id, e.stream_revision,
                  e.event_type, e.data, ${createdAt('e.')}
             from tally_events e
            where e.stream_id = p.stream
            order by e.stream_revision desc
            limit 1
         ) e`,
      [streams],
      { prepare: 'tally_last_events_v1' },
    );
    const last = streams.map((): RecordedEvent | null => null);
    for (const row of rows) last[Number(row.part) - 1] = toRecorded(row);
    return last;
  }

  /** One page of the global order after `from`, limited to what no running transaction can precede. */
  async readAllAfter(
    from: Checkpoint | null,
    prefixes: string[],
    limit: number,
    types?: readonly string[],
  ): Promise<RecordedEvent[]> {
    const [tx, position] = from ? parseCheckpoint(from) : ['0', '0'];
    const { rows } = await this.db.query<EventRow>(
      `select ${COLUMNS} from tally_events
        where (transaction_id, global_position) > ($1::xid8, $2::bigint)
          and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          and stream_id like any($3::text[]) ${typeClause(types, 5)}
        order by tally_events.transaction_id, global_position
        limit $4`,
      types ? [tx, position, likePatterns(prefixes), limit, types] : [tx, position, likePatterns(prefixes), limit],
    );
    return rows.map(toRecorded);
  }

  /**
   * One page of the events of `types` after `from` and, in the same snapshot, how far the store
   * was read for it: the page's last event if the page is full, else the newest event no running
   * transaction can precede (whatever its stream or type). Null when nothing lies after `from`.
   */
  async readTypesAfter(
    from: Checkpoint | null,
    prefixes: string[],
    limit: number,
    types: readonly string[],
  ): Promise<EventBatch | null> {
    const [tx, position] = from ? parseCheckpoint(from) : ['0', '0'];
    const { rows } = await this.db.query<EventRow & { head_transaction_id: string; head_position: string | bigint }>(
      `with page as (
         select ${COLUMNS} from tally_events
          where (transaction_id, global_position) > ($1::xid8, $2::bigint)
            and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            and stream_id like any($3::text[]) and event_type = any($5::text[])
          order by tally_events.transaction_id, global_position
          limit $4),
       head as (
         select transaction_id::text as head_transaction_id, global_position as head_position from tally_events
          where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          order by tally_events.transaction_id desc, global_position desc limit 1)
       select page.*, head.* from head left join page on true
        order by page.transaction_id::xid8, page.global_position`,
      [tx, position, likePatterns(prefixes), limit, types],
    );
    if (rows.length === 0) return null;
    const events = rows.filter((r) => r.global_position !== null).map(toRecorded);
    const head = encodeCheckpoint(rows[0].head_transaction_id, rows[0].head_position);
    const through = events.length === limit ? events[events.length - 1].position : head;
    if (from && compareCheckpoints(through, from, STORE) <= 0) return null;
    return eventBatch(events, through);
  }

  async firstEventAfter(from: Checkpoint | null, prefixes: string[], types?: readonly string[]): Promise<RecordedEvent | null> {
    const [first] = await this.readAllAfter(from, prefixes, 1, types);
    return first ?? null;
  }

  subscribe(options: SubscribeOptions): Subscription {
    return new SqlSubscription(this, this.db, options);
  }

  async headPosition(prefixes?: string[], types?: readonly string[]): Promise<Checkpoint | null> {
    const { rows } = await this.db.query<{ transaction_id: string; global_position: string | bigint }>(
      `select transaction_id::text as transaction_id, global_position from tally_events
        where ($1::text[] is null or stream_id like any($1::text[])) ${typeClause(types, 2)}
        order by tally_events.transaction_id desc, global_position desc limit 1`,
      types ? [prefixes ? likePatterns(prefixes) : null, types] : [prefixes ? likePatterns(prefixes) : null],
    );
    return rows.length ? encodeCheckpoint(rows[0].transaction_id, rows[0].global_position) : null;
  }

  async countAfter(from: Checkpoint | null, prefixes: string[], cap: number, types?: readonly string[]): Promise<number> {
    const [tx, position] = from ? parseCheckpoint(from) : ['0', '0'];
    const { rows } = await this.db.query<{ n: string | number }>(
      `select count(*)::int as n from (
         select 1 from tally_events
          where (transaction_id, global_position) > ($1::xid8, $2::bigint) and stream_id like any($3::text[])
            ${typeClause(types, 5)}
          limit $4) after`,
      types ? [tx, position, likePatterns(prefixes), cap, types] : [tx, position, likePatterns(prefixes), cap],
    );
    return Number(rows[0].n);
  }

  compare(a: Checkpoint, b: Checkpoint): number {
    return compareCheckpoints(a, b, STORE);
  }

  async ping(): Promise<void> {
    await this.db.query('select 1');
  }

  async close(): Promise<void> {
    // The SQL client is shared with the read models; whoever opened it closes it.
  }
}

// The type condition of a filtered read, its array the `n`th parameter; nothing when unfiltered
// (a separate statement, so an unfiltered read's plan is not a generic one with an "or").
function typeClause(types: readonly string[] | undefined, n: number): string {
  return types ? `and event_type = any($${n}::text[])` : '';
}

/** The indexes of the parts, grouped by atomic unit (a part without one is a unit alone), in order of first part. */
function unitsOf(appends: StreamAppend[]): number[][] {
  const units: number[][] = [];
  const byKey = new Map<string, number[]>();
  appends.forEach((part, i) => {
    if (part.atomic === undefined) return void units.push([i]);
    const unit = byKey.get(part.atomic);
    if (unit) return void unit.push(i);
    const fresh = [i];
    byKey.set(part.atomic, fresh);
    units.push(fresh);
  });
  return units;
}

async function currentRevision(db: SqlQueryable, stream: string): Promise<bigint | null> {
  const { rows } = await db.query<{ revision: string | bigint | null }>(
    'select max(stream_revision) as revision from tally_events where stream_id = $1',
    [stream],
  );
  const revision = rows[0]?.revision;
  return revision === null || revision === undefined ? null : BigInt(revision);
}
