import type { TallyEvent } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import type { ProjectedEvent, SqlProjection } from '../projection';
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

/** What a batch changes: counts to add per day key, and the days of the usages it accepted. */
export interface DailyChanges {
  counts: Map<string, { key: DayKey; add: UsageCounts }>;
  origins: Origins;
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
  const origins: Origins = new Map();
  const add = (key: DayKey, units: number, requests: number, rejected: number) => {
    const id = JSON.stringify([key.account, key.day, key.meter, key.subject]);
    const row = counts.get(id) ?? { key, add: { units: 0, requests: 0, rejected: 0 } };
    row.add = { units: row.add.units + units, requests: row.add.requests + requests, rejected: row.add.rejected + rejected };
    counts.set(id, row);
  };
  for (const e of events) {
    if (e.type === 'UsageAccepted') {
      const { account, source, id, meter, subject, quantity, time } = e.data;
      origins.set(originKey(account, source, id), dayOf(time));
      add({ account, day: dayOf(time), meter, subject }, quantity, 1, 0);
    } else if (e.type === 'UsageRejected') {
      const { account, meter, subject, time } = e.data;
      add({ account, day: dayOf(time), meter, subject }, 0, 0, 1);
    } else if (e.type === 'UsageReversed') {
      const { account, source, id, meter, subject, quantity, month } = e.data;
      const origin = originKey(account, source, id);
      const day = origins.get(origin) ?? known.get(origin) ?? `${month}-01`;
      add({ account, day, meter, subject }, -quantity, -1, 0);
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
 * third table keeps the day each accepted usage was counted on, for its reversal.
 */
export const usageDaily: SqlProjection = {
  name: 'usage_daily_v1',
  schema: (table) => {
    const t = dailyTables(table);
    return [
      `create table if not exists ${t.perMeter} (account text not null, day text not null, meter text not null, ${COUNTS}, primary key (account, day, meter))`,
      `create table if not exists ${t.perSubject} (account text not null, day text not null, meter text not null, subject text not null, ${COUNTS}, primary key (account, day, meter, subject))`,
      `create table if not exists ${t.origins} (account text not null, source text not null, id text not null, day text not null, primary key (account, source, id))`,
    ];
  },
  tables: (table) => Object.values(dailyTables(table)),
  apply: (tx, events, table) => applyDaily(tx, dailyTables(table), events),
};

async function applyDaily(tx: SqlQueryable, t: ReturnType<typeof dailyTables>, batch: readonly ProjectedEvent[]): Promise<void> {
  const events = batch.map((b) => b.event);
  const lookups = reversedOrigins(events);
  const known: Origins = new Map();
  if (lookups.length) {
    const { rows } = await tx.query<{ account: string; source: string; id: string; day: string }>(
      `select account, source, id, day from ${t.origins}
        where (account, source, id) in (select * from unnest($1::text[], $2::text[], $3::text[]))`,
      [lookups.map((l) => l[0]), lookups.map((l) => l[1]), lookups.map((l) => l[2])],
    );
    for (const r of rows) known.set(originKey(r.account, r.source, r.id), r.day);
  }
  const { counts, origins } = dailyChanges(events, known);
  if (counts.size === 0) return;
  const bySubject = [...counts.values()];
  const perMeter = new Map<string, { key: DayKey; add: UsageCounts }>();
  for (const { key, add } of bySubject) {
    const id = JSON.stringify([key.account, key.day, key.meter]);
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
  await addCounts(tx, t.perSubject, ['account', 'day', 'meter', 'subject'], bySubject);
  await addCounts(tx, t.perMeter, ['account', 'day', 'meter'], [...perMeter.values()]);
  if (origins.size) {
    const rows = [...origins].map(([key, day]) => [...(JSON.parse(key) as string[]), day]);
    await tx.query(
      `insert into ${t.origins} (account, source, id, day)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
       on conflict (account, source, id) do update set day = excluded.day`,
      [0, 1, 2, 3].map((i) => rows.map((r) => r[i])),
    );
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
      ...keys.map((k) => rows.map((r) => r.key[k])),
      rows.map((r) => String(r.add.units)),
      rows.map((r) => String(r.add.requests)),
      rows.map((r) => String(r.add.rejected)),
    ],
  );
}
