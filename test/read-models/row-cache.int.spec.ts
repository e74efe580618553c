import { serialize, streamNames, type TallyEvent } from '@tally/events';
import { SqlEventStore, type RecordedEvent, type SqlClient, type SqlQueryable } from '@tally/eventstore';
import {
  CHECKPOINTS_TABLE,
  PROJECTED_STREAM_PREFIXES,
  PROJECTIONS,
  ProjectionRunner,
  ReadModels,
  dropProjection,
  usageMonthly,
  type SqlProjection,
} from '@tally/read-models';
import { accepted } from '@tally/read-models/testing';
import { eventually } from '../infra/infra';
import { sqlBackends } from '../support/databases';

// The runner keeps the rows its batches wrote between batches (libs/read-models/src/projection-rows.ts,
// RowCache): these specs hold it to the tables whenever something else wrote them, or a batch failed.

const usage = (id: string, quantity: number) => accepted({ id, quantity });

describe.each(sqlBackends())('rows kept between batches (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  let appended = 0;
  let last: string | null = null;
  const monthly = async () => (await new ReadModels(db).usage('acme', '2026-11', '2026-11', false))[0];

  // Appends the events and returns them as the store records them.
  const recorded = async (events: TallyEvent[]): Promise<RecordedEvent[]> => {
    const after = last;
    await store.appendToStream(
      streamNames.accountPeriod('acme', '2026-11'),
      events.map(serialize),
      appended === 0 ? 'no_stream' : BigInt(appended - 1),
    );
    appended += events.length;
    // On a shared PostgreSQL another database's open transaction holds back what the store reads.
    return eventually(async () => {
      const read = await store.readAllAfter(after, PROJECTED_STREAM_PREFIXES, 100);
      expect(read).toHaveLength(events.length);
      last = read[read.length - 1].position;
      return read;
    });
  };

  beforeEach(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
    appended = 0;
    last = null;
  });
  afterEach(() => close());

  it('does not read back the rows its previous batch wrote', async () => {
    // Given a runner whose statements are recorded
    const statements: string[] = [];
    const recording: SqlClient = Object.assign(Object.create(db) as SqlClient, {
      transaction: <T>(work: (tx: SqlQueryable) => Promise<T>) =>
        db.transaction((tx) =>
          work({ query: (sql: string, params?: unknown[]) => (statements.push(sql), tx.query(sql, params)) } as SqlQueryable),
        ),
    });
    const runner = new ProjectionRunner(recording, store, PROJECTIONS);
    await runner.init();
    await runner.apply(await recorded([usage('u1', 1)]));
    // When the next batch counts on the same rows
    statements.length = 0;
    await runner.apply(await recorded([usage('u2', 2)]));
    // Then it read no usage or wallet row, and upserted them (they exist)
    const reads = (table: string) => statements.filter((s) => s.startsWith('select') && s.includes(`from ${table} `));
    expect([...reads(usageMonthly.name), ...reads('credits_v3')]).toEqual([]);
    expect(statements.some((s) => s.includes(`insert into ${usageMonthly.name}`) && s.includes('on conflict'))).toBe(true);
    expect(await monthly()).toMatchObject({ units: 3, requests: 2 });
  });

  it('reads the rows again once another runner has moved the checkpoints', async () => {
    // Given a runner that projected a batch, keeping its rows
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    await runner.apply(await recorded([usage('u1', 1)]));
    // When another runner (a second projector) projects the next batch
    const other = new ProjectionRunner(db, store, PROJECTIONS);
    await other.apply(await recorded([usage('u2', 2)]));
    // and the first projects the one after
    await runner.apply(await recorded([usage('u3', 4)]));
    // Then the count holds all three batches, not the first runner's row plus its own batch
    expect(await monthly()).toMatchObject({ units: 7, requests: 3 });
  });

  it('reads the rows again after a batch that failed', async () => {
    // Given a runner whose last projection fails while asked to, after the usage rows are written
    let failing = false;
    const tripwire: SqlProjection = {
      name: 'tripwire_v1',
      schema: () => [],
      tables: () => [],
      apply: () => (failing ? Promise.reject(new Error('tripped')) : Promise.resolve()),
    };
    const runner = new ProjectionRunner(db, store, [...PROJECTIONS, tripwire]);
    await runner.init();
    await runner.apply(await recorded([usage('u1', 1)]));
    // When a batch fails (rolled back) and is then projected again
    const batch = await recorded([usage('u2', 2)]);
    failing = true;
    await expect(runner.apply(batch)).rejects.toThrow('tripped');
    failing = false;
    await runner.apply(batch);
    // Then it counted once: the rows the failed batch had kept were not taken for the table's
    expect(await monthly()).toMatchObject({ units: 3, requests: 2 });
  });

  it('reads the rows again after a rebuild dropped the projection', async () => {
    // Given a runner that projected a batch, keeping its rows
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    await runner.apply(await recorded([usage('u1', 1)]));
    // When the monthly counts are dropped (the rebuild command, or a manual reset) and it projects the next batch
    await dropProjection(db, usageMonthly);
    await runner.apply(await recorded([usage('u2', 2)]));
    // Then the emptied table counts that batch alone, as it would have without the cache
    expect(await monthly()).toMatchObject({ units: 2, requests: 1 });
  });

  it('reads the rows again when the checkpoint row was written back to the same position', async () => {
    // Given a runner that projected a batch, keeping its rows
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    await runner.apply(await recorded([usage('u1', 1)]));
    // When someone else rewrites the monthly counts and writes their checkpoint, leaving its position as it was
    await db.transaction(async (tx) => {
      await tx.query(`update ${usageMonthly.name} set doc = jsonb_set(doc, '{units}', '10')`);
      await tx.query(`update ${CHECKPOINTS_TABLE} set position = position where name = $1`, [usageMonthly.name]);
    });
    await runner.apply(await recorded([usage('u2', 2)]));
    // Then the next batch counts onto the table's row
    expect(await monthly()).toMatchObject({ units: 12, requests: 2 });
  });

  it('counts the same with a cache of one row as without one, rows created, updated and evicted', async () => {
    // Given two rows per batch (two meters) and a cache that keeps one
    const onMeter = (id: string, meter: string, quantity: number) => accepted({ id, meter, quantity });
    const runner = new ProjectionRunner(db, store, PROJECTIONS, { rowCacheEntries: 1 });
    await runner.init();
    // When three batches touch them
    for (const [i, q] of [1, 2, 3].entries())
      await runner.apply(await recorded([onMeter(`g${i}`, 'geo', q), onMeter(`o${i}`, 'ocr', 10 * q)]));
    // Then each row counts every batch
    const lines = await new ReadModels(db).usage('acme', '2026-11', '2026-11', false);
    expect(lines.map((l) => [l.meter, l.units, l.requests])).toEqual([
      ['geo', 6, 3],
      ['ocr', 60, 3],
    ]);
  });
});
