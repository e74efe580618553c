import { serialize, streamNames, type AccountEvent } from '@tally/events';
import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import {
  PROJECTED_STREAM_PREFIXES,
  PROJECTIONS,
  ProjectionRunner,
  ReadModels,
  dailyTables,
  dropProjection,
  tableOf,
  usageDaily,
} from '@tally/read-models';
import { sqlBackends } from '../support/databases';

const backends = sqlBackends();

const usage = (id: string, quantity: number, time: string, subject = 'alice', decidedAt = time): AccountEvent => ({
  type: 'UsageAccepted',
  data: {
    ...{ account: 'acme', source: 'svc', id, subject, meter: 'geo', quantity, time, month: time.slice(0, 7) },
    ...{ usage: 0, limit: null, remaining: null, overage: 0, decidedAt, reportedBy: 'kafka', creditsCharged: 0 },
  },
});
const reversal = (id: string, quantity: number, at: string, month: string): AccountEvent => ({
  type: 'UsageReversed',
  data: {
    account: 'acme',
    source: 'svc',
    id,
    subject: 'alice',
    meter: 'geo',
    quantity,
    month,
    creditsRefunded: 0,
    reason: null,
    at,
  },
});

describe.each(backends)('daily usage read model (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  beforeEach(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterEach(() => close());

  // PostgreSQL hands out committed events once no older transaction is open (any database's):
  // poll until the expected number is readable.
  const readAfter = async (from: string | null, count: number) => {
    for (let tries = 0; ; tries++) {
      const events = await store.readAllAfter(from, PROJECTED_STREAM_PREFIXES, 1000);
      if (events.length >= count || tries > 200) return events;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const projectAll = async () => {
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    const batch = await readAfter(null, 3);
    await runner.apply(batch);
    return { runner, batch };
  };

  it('counts each day once across batches, redeliveries and a rebuild, with a reversal on a later day netting out its usage day', async () => {
    const stream = streamNames.accountPeriod('acme', '2026-11');
    await store.appendToStream(
      stream,
      [
        usage('a', 3, '2026-11-04T23:59:59.999Z'),
        usage('b', 4, '2026-11-05T00:00:00.000Z'),
        usage('c', 5, '2026-11-05T08:00:00.000Z', 'bob'),
      ].map(serialize),
      'no_stream',
    );
    const { runner, batch } = await projectAll();
    // The reversal comes in a later batch: the day of usage a is looked up in the origins table.
    await store.appendToStream(stream, [serialize(reversal('a', 3, '2026-11-20T10:00:00.000Z', '2026-11'))], 2n);
    const later = await readAfter(batch[batch.length - 1].position, 1);
    await runner.apply(later);
    // Redelivered batches change nothing: the checkpoint moved with the counts.
    await runner.apply(batch);
    await runner.apply(later);

    const expected = [
      { day: '2026-11-04', meter: 'geo', units: 0, requests: 0, rejected: 0 },
      { day: '2026-11-05', meter: 'geo', units: 9, requests: 2, rejected: 0 },
    ];
    const reads = new ReadModels(db);
    expect(await reads.dailyUsage('acme', '2026-11-01', '2026-11-30', false)).toEqual(expected);
    expect(await reads.dailyUsage('acme', '2026-11-05', '2026-11-05', true)).toEqual([
      { day: '2026-11-05', meter: 'geo', subject: 'alice', units: 4, requests: 1, rejected: 0 },
      { day: '2026-11-05', meter: 'geo', subject: 'bob', units: 5, requests: 1, rejected: 0 },
    ]);
    expect(await reads.dailyUsage('acme', '2026-11-06', '2026-11-30', false)).toEqual([]);

    // A rebuild drops its three tables and projects the whole store again, to the same answer.
    await dropProjection(db, usageDaily);
    expect(await reads.dailyUsage('acme', '2026-11-01', '2026-11-30', false)).toEqual([]);
    const rebuilt = new ProjectionRunner(db, store, [usageDaily]);
    await rebuilt.init();
    await rebuilt.apply(await readAfter(null, 4));
    expect(await reads.dailyUsage('acme', '2026-11-01', '2026-11-30', false)).toEqual(expected);
  });

  it('keeps an origin only while its usage can be reversed: 35 days after its decision and 2 of clock skew', async () => {
    const { origins, perMeter, perSubject } = dailyTables(tableOf(usageDaily));
    const dump = async () =>
      Promise.all(
        [
          `select account, source, id, day, decided_at from ${origins} order by id`,
          `select * from ${perMeter} order by day, meter`,
          `select * from ${perSubject} order by day, meter, subject`,
        ].map(async (sql) => (await db.query(sql)).rows),
      );
    const originIds = async () => (await db.query<{ id: string }>(`select id from ${origins} order by id`)).rows.map((r) => r.id);

    // Given usage a decided on its day, 2026-11-04, and usage b of 2026-10-20 that came late and was decided on 2026-11-20
    const november = streamNames.accountPeriod('acme', '2026-11');
    await store.appendToStream(
      november,
      [
        usage('a', 3, '2026-11-04T10:00:00.000Z'),
        usage('b', 4, '2026-10-20T10:00:00.000Z', 'alice', '2026-11-20T10:00:00.000Z'),
      ].map(serialize),
      'no_stream',
    );
    const runner = new ProjectionRunner(db, store, [usageDaily]);
    await runner.init();
    const first = await readAfter(null, 2);
    await runner.apply(first);
    // When a is reversed 34 days after its decision, in a later batch
    const december = streamNames.accountPeriod('acme', '2026-12');
    await store.appendToStream(december, [serialize(reversal('a', 3, '2026-12-08T10:00:00.000Z', '2026-11'))], 'no_stream');
    const second = await readAfter(first[first.length - 1].position, 1);
    await runner.apply(second);
    // Then the reversal nets out on a's day (not on the first of its month, where an unknown usage nets)
    const reads = new ReadModels(db);
    expect(await reads.dailyUsage('acme', '2026-10-01', '2026-11-30', false)).toEqual([
      { day: '2026-10-20', meter: 'geo', units: 4, requests: 1, rejected: 0 },
      { day: '2026-11-04', meter: 'geo', units: 0, requests: 0, rejected: 0 },
    ]);
    expect(await originIds()).toEqual(['a', 'b']);

    // When a later batch's newest decision is 2026-12-11T11:00Z: 37 days and an hour after a's decision, 21 days after b's
    await store.appendToStream(december, [serialize(usage('c', 5, '2026-12-11T11:00:00.000Z'))], 0n);
    const third = await readAfter(second[second.length - 1].position, 1);
    await runner.apply(third);
    // Then a's origin is gone, and b's stays although its day is older: the decision time counts, as it does for a reversal
    expect(await originIds()).toEqual(['b', 'c']);
    const live = await dump();

    // When the tables are rebuilt from the start of the store in one batch
    await dropProjection(db, usageDaily);
    const rebuilt = new ProjectionRunner(db, store, [usageDaily]);
    await rebuilt.init();
    await rebuilt.apply(await readAfter(null, 4));
    // Then every table is as the three batches left it
    expect(await dump()).toEqual(live);
  });

  it('reuses the space of the origins it deletes: the runner vacuums them every so many events (PGlite has no autovacuum)', async () => {
    const { origins } = dailyTables(tableOf(usageDaily));
    const runner = new ProjectionRunner(db, store, [usageDaily], { maintainEvery: 1 });
    await runner.init();
    const sizes: number[] = [];
    let from: string | null = null;
    // Given eight batches of 400 usages, each decided 10 days after the one before: about four batches' origins are live at a time
    for (let b = 0; b < 8; b++) {
      const decided = new Date(Date.parse('2026-09-01T00:00:00.000Z') + b * 10 * 24 * 3600_000).toISOString();
      const usages = Array.from({ length: 400 }, (_, i) => usage(`b${b}-${i}`, 1, decided));
      await store.appendToStream(streamNames.accountPeriod('acme', `batch-${b}`), usages.map(serialize), 'no_stream');
      const batch = await readAfter(from, 400);
      await runner.apply(batch);
      from = batch[batch.length - 1].position;
      const { rows } = await db.query<{ bytes: string | number }>(`select pg_relation_size('${origins}') as bytes`);
      sizes.push(Number(rows[0].bytes));
    }
    // Then the live rows stop growing, and so does the table's file
    const live = await db.query<{ n: string | number }>(`select count(*) as n from ${origins}`);
    expect(Number(live.rows[0].n)).toBe(1600);
    expect(sizes[7]).toBeLessThanOrEqual(sizes[4]);
  });

  it('moves to fresh tables under a bumped version, built from the start of the store', async () => {
    await store.appendToStream(
      streamNames.accountPeriod('acme', '2026-11'),
      [serialize(usage('a', 3, '2026-11-04T10:00:00.000Z'))],
      'no_stream',
    );
    const bumped = { ...usageDaily, name: 'usage_daily_v9' };
    const runner = new ProjectionRunner(db, store, [bumped]);
    await runner.init();
    await runner.apply(await readAfter(null, 1));
    const tables = await db.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_name like 'usage_daily_v9%' order by 1",
    );
    expect(tables.rows.map((r) => r.name)).toEqual(['usage_daily_v9', 'usage_daily_v9_origins', 'usage_daily_v9_subjects']);
    const { rows } = await db.query<{ units: string | number }>("select units from usage_daily_v9 where day = '2026-11-04'");
    expect(rows.map((r) => Number(r.units))).toEqual([3]);
  });
});
