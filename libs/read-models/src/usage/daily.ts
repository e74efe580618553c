import { IDEMPOTENCY_WINDOW_MS } from '@tally/domain';
import { linesOf, type TallyEvent } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import type { ProjectedEvent, SqlProjection } from '../projection';
import { arrayLiteral, compareIds } from '../projection-rows';
import type { UsageCounts } from './projection';

/** Where one day's use of a meter (by one subject, or by all) is counted. */
export interface DayKey {
  account: string;
  day: string;
  meter: string;
  subject: string;
}

/** The day an accepted usage was counted on, by (account, source, id): where its reversal nets out. */
export type Origins = Map<string, string>;

/** The day an accepted usage was counted on and when it was decided (which bounds its reversal). */
export interface Origin {
  day: string;
  decidedAt: string;
}

/** What a batch changes: counts to add per day key, and the origins of the usages it accepted. */
export interface DailyChanges {
  counts: Map<string, { key: DayKey; add: UsageCounts }>;
  origins: Map<string, Origin>;
}

/**
 * How much older than the batch's newest decision an origin may be before it is deleted, beyond
 * the idempotency window. The domain reverses a usage only while its decision (`decidedAt`) is
 * within the window of the reversal's time, and every decision time is the clock of the API
 * instance that decided it: two instances' clocks may disagree, so a batch's newest decision
 * may run ahead of a reversal decided just after it. Two days covers any skew a sane deployment
 * has, and costs two days' more rows.
 */
export const ORIGIN_MARGIN_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * Given a batch, the decision time before which no origin can be reversed any more: the newest
 * decision time in the batch (a usage's `decidedAt`, a reversal's `at`) less the idempotency
 * window and {@link ORIGIN_MARGIN_MS}; null when the batch decides nothing. It comes from the
 * events, never the clock, so projecting the same store again deletes the same rows.
 */
export function originsCutoff(events: readonly TallyEvent[]): string | null {
  let newest = -Infinity;
  for (const e of events) {
    const at =
      e.type === 'UsageAccepted' || e.type === 'UsageRejected' ? e.data.decidedAt : e.type === 'UsageReversed' ? e.data.at : null;
    if (at !== null) newest = Math.max(newest, Date.parse(at));
  }
  return Number.isFinite(newest) ? new Date(newest - IDEMPOTENCY_WINDOW_MS - ORIGIN_MARGIN_MS).toISOString() : null;
}

/** The UTC day of an event time, 'YYYY-MM-DD' (times are stored in UTC, like the month). */
export const dayOf = (time: string): string => time.slice(0, 10);

export const originKey = (account: string, source: string, id: string): string => JSON.stringify([account, source, id]);

/**
 * Given a batch of events and the days of the earlier usages its reversals reverse, what to add
 * to each day's counts. A usage counts on the day of its event time; a rejection too; a
 * reversal takes its units and request off the day the usage was counted on, whenever it
 * happens (as the monthly counts take it off the usage's month). A reversal of a usage this
 * projection never saw (impossible when it projects from the start of the store) nets out on
 * the first day of the usage's month, so the month's days still sum to the month.
 */
export function dailyChanges(events: readonly TallyEvent[], known: ReadonlyMap<string, string>): DailyChanges {
  const counts = new Map<string, { key: DayKey; add: UsageCounts }>();
  const origins = new Map<string, Origin>();
  const add = (
    account: string,
    day: string,
    meter: string,
    subject: string,
    units: number,
    requests: number,
    rejected: number,
  ) => {
    // Parts joined by NUL, which text columns cannot hold: unambiguous, and no JSON per event.
    const id = `${account}\u0000${day}\u0000${meter}\u0000${subject}`;
    const row = counts.get(id);
    // A day's row is added to in place (it is this batch's own), its key built once; a new one
    // starts from 0 + each count, as the sum from zero did (a reversal of 0 units adds 0, not -0).
    if (row) {
      row.add.units += units;
      row.add.requests += requests;
      row.add.rejected += rejected;
    } else
      counts.set(id, {
        key: { account, day, meter, subject },
        add: { units: 0 + units, requests: 0 + requests, rejected: 0 + rejected },
      });
  };
  for (const e of events) {
    // A multi-item usage counts on each of its items' meters, as the monthly counts do.
    if (e.type === 'UsageAccepted') {
      const { account, source, id, subject, time, decidedAt } = e.data;
      const day = dayOf(time);
      origins.set(originKey(account, source, id), { day, decidedAt });
      if (!e.data.items) add(account, day, e.data.meter, subject, e.data.quantity, 1, 0);
      else for (const { meter, quantity } of linesOf(e.data)) add(account, day, meter, subject, quantity, 1, 0);
    } else if (e.type === 'UsageRejected') {
      const { account, subject, time } = e.data;
      const day = dayOf(time);
      for (const { meter } of linesOf(e.data)) add(account, day, meter, subject, 0, 0, 1);
    } else if (e.type === 'UsageReversed') {
      const { account, source, id, subject, month } = e.data;
      const origin = originKey(account, source, id);
      const day = origins.get(origin)?.day ?? known.get(origin) ?? `${month}-01`;
      for (const { meter, quantity } of linesOf(e.data)) add(account, day, meter, subject, -quantity, -1, 0);
    }
  }
  return { counts, origins };
}

/** The (account, source, id) of each reversal in the batch: whose days must be looked up. */
export function reversedOrigins(events: readonly TallyEvent[]): Array<[string, string, string]> {
  return events.flatMap((e) =>
    e.type === 'UsageReversed' ? [[e.data.account, e.data.source, e.data.id] as [string, string, string]] : [],
  );
}

const subjectsOf = (table: string) => `${table}_subjects`;
const originsOf = (table: string) => `${table}_origins`;

/** The tables of a daily usage projection, given its table name. */
export const dailyTables = (table: string) => ({ perMeter: table, perSubject: subjectsOf(table), origins: originsOf(table) });

const COUNTS = 'units bigint not null, requests bigint not null, rejected bigint not null';

/**
 * Daily use per account × day × meter, and per account × day × meter × subject: one row per
 * day that saw use, keyed so that an account's days between two dates are one index range.
 * Counts are added in SQL (`units = units + …`), so a batch writes each touched day once. A
 * third table keeps the day each accepted usage was counted on, for its reversal, only while
 * it can be reversed: each batch deletes the origins decided before {@link originsCutoff}.
 * (`_v2`: the origins gained `decided_at`, which `_v1` lacked, so the tables are rebuilt.)
 */
export const usageDaily: SqlProjection = {
  name: 'usage_daily_v2',
  schema: (table) => {
    const t = dailyTables(table);
    return [
      `create table if not exists ${t.perMeter} (account text not null, day text not null, meter text not null, ${COUNTS}, primary key (account, day, meter))`,
      `create table if not exists ${t.perSubject} (account text not null, day text not null, meter text not null, subject text not null, ${COUNTS}, primary key (account, day, meter, subject))`,
      `create table if not exists ${t.origins} (account text not null, source text not null, id text not null, day text not null, decided_at timestamptz not null, primary key (account, source, id))`,
      `create index if not exists ${t.origins}_decided_at on ${t.origins} (decided_at)`,
    ];
  },
  tables: (table) => Object.values(dailyTables(table)),
  apply: (tx, events, table) => applyDaily(tx, dailyTables(table), events),
  // The origins are the table that deletes: without a vacuum, PGlite would never reuse their space.
  maintain: async (db, table) => {
    await db.query(`vacuum ${dailyTables(table).origins}`);
  },
};

async function applyDaily(tx: SqlQueryable, t: ReturnType<typeof dailyTables>, batch: readonly ProjectedEvent[]): Promise<void> {
  const events = batch.map((b) => b.event);
  const lookups = reversedOrigins(events);
  const known: Origins = new Map();
  if (lookups.length) {
    const { rows } = await tx.query<{ account: string; source: string; id: string; day: string }>(
      `select account, source, id, day from ${t.origins}
        where (account, source, id) in (select * from unnest($1::text[], $2::text[], $3::text[]))`,
      [0, 1, 2].map((i) => arrayLiteral(lookups.map((l) => l[i]))),
    );
    for (const r of rows) known.set(originKey(r.account, r.source, r.id), r.day);
  }
  const { counts, origins } = dailyChanges(events, known);
  if (counts.size === 0) return;
  const perMeter = new Map<string, { key: DayKey; add: UsageCounts }>();
  for (const { key, add } of counts.values()) {
    const id = `${key.account}\u0000${key.day}\u0000${key.meter}`;
    const row = perMeter.get(id);
    perMeter.set(
      id,
      row
        ? {
            key,
            add: {
              units: row.add.units + add.units,
              requests: row.add.requests + add.requests,
              rejected: row.add.rejected + add.rejected,
            },
          }
        : { key, add },
    );
  }
  // Each table's rows in its primary key's order (the ids join the key's parts by NUL, which
  // sorts first): the batch's events come round robin over accounts, and inserted in that order
  // each row would land on another leaf page.
  await addCounts(tx, t.perSubject, ['account', 'day', 'meter', 'subject'], inKeyOrder(counts));
  await addCounts(tx, t.perMeter, ['account', 'day', 'meter'], inKeyOrder(perMeter));
  if (origins.size) {
    // One jsonb parameter, [[account, source, id, day, decidedAt], …]: each origin's key is already
    // the JSON array of its first three (originKey), so it is extended as text, not parsed again.
    // Sorted by that JSON text: by account, then source and id (nearly the key's order, enough for
    // the rows of one account to share leaf pages).
    const rows = [...origins]
      .sort(([a], [b]) => compareIds(a, b))
      .map(([key, o]) => `${key.slice(0, -1)},${JSON.stringify(o.day)},${JSON.stringify(o.decidedAt)}]`);
    await tx.query(
      `insert into ${t.origins} (account, source, id, day, decided_at)
       select r->>0, r->>1, r->>2, r->>3, (r->>4)::timestamptz from jsonb_array_elements($1::jsonb) as r
       on conflict (account, source, id) do update set day = excluded.day, decided_at = excluded.decided_at`,
      [`[${rows.join(',')}]`],
    );
  } // After the inserts, so that what a batch leaves depends on its events, not on their order.
  await pruneOrigins(tx, t.origins, originsCutoff(events));
}

/** The rows of a map keyed by NUL-joined key parts, in the order of their keys. */
function inKeyOrder<T>(rows: Map<string, T>): T[] {
  return [...rows.keys()].sort(compareIds).map((id) => rows.get(id) as T);
}

/** Rows one delete statement removes at most, so a large backlog is taken in index-ordered steps. */
export const PRUNE_CHUNK = 5000;

/**
 * Deletes the origins decided before `cutoff`, which no reversal can reach any more, in steps
 * of {@link PRUNE_CHUNK} along the `decided_at` index until none is left (never a partial cut,
 * which would make the table depend on how the events fell into batches). An origin is deleted
 * once an event at or after it in the store was decided 37 days after it, which is the same
 * whether a rebuild takes the store in one batch or many; only a decision stored after one
 * decided 37 days later (a clock off by more than the margin) could leave it to a later batch.
 * In a steady stream a batch deletes about as many rows as it inserts; with none due, it is one
 * index probe.
 */
async function pruneOrigins(tx: SqlQueryable, table: string, cutoff: string | null): Promise<void> {
  if (cutoff === null) return;
  for (;;) {
    const { rows } = await tx.query<{ n: string | number }>(
      `with gone as (
         delete from ${table} where (account, source, id) in (
           select account, source, id from ${table} where decided_at < $1::timestamptz order by decided_at limit ${PRUNE_CHUNK})
         returning 1)
       select count(*) as n from gone`,
      [cutoff],
    );
    if (Number(rows[0]?.n ?? 0) < PRUNE_CHUNK) return;
  }
}

// One statement per table however many rows: key columns and counts as parallel arrays.
async function addCounts(
  tx: SqlQueryable,
  table: string,
  keys: Array<keyof DayKey>,
  rows: Array<{ key: DayKey; add: UsageCounts }>,
): Promise<void> {
  const list = keys.join(', ');
  const unnest = [...keys.map((_, i) => `$${i + 1}::text[]`), ...[1, 2, 3].map((i) => `$${keys.length + i}::bigint[]`)].join(
    ', ',
  );
  await tx.query(
    `insert into ${table} (${list}, units, requests, rejected)
     select * from unnest(${unnest})
     on conflict (${list}) do update set units = ${table}.units + excluded.units,
       requests = ${table}.requests + excluded.requests, rejected = ${table}.rejected + excluded.rejected`,
    [
      ...keys.map((k) => arrayLiteral(rows.map((r) => r.key[k]))),
      arrayLiteral(rows.map((r) => r.add.units)),
      arrayLiteral(rows.map((r) => r.add.requests)),
      arrayLiteral(rows.map((r) => r.add.rejected)),
    ],
  );
}
