import { serialize, streamNames, withDefaultTerms, type AccountEvent, type TallyEvent } from '@tally/events';
import { SqlEventStore, type SqlClient, type SqlQueryable } from '@tally/eventstore';
import {
  CHECKPOINTS_TABLE,
  PROJECTED_STREAM_PREFIXES,
  PROJECTIONS,
  ProjectionRunner,
  ReadModels,
  dropProjection,
  projection,
  usageMonthly,
} from '@tally/read-models';
import { eventually } from '../infra/infra';
import { sqlBackends } from '../support/databases';

const backends = sqlBackends();

const accepted = (id: string, quantity: number, subject = 'alice', month = '2026-11', meter = 'geo'): AccountEvent => ({
  type: 'UsageAccepted',
  data: {
    account: 'acme',
    source: 'svc',
    id,
    subject,
    meter,
    quantity,
    time: `${month}-05T00:00:00.000Z`,
    month,
    usage: 0,
    limit: null,
    remaining: null,
    overage: 0,
    decidedAt: `${month}-05T00:00:00.000Z`,
    reportedBy: 'kafka',
    creditsCharged: 0,
  },
});

const quotaSet = (at: string, blockPrice: string): AccountEvent => ({
  type: 'QuotaSet',
  data: { account: 'acme', meter: 'geo', quota: withDefaultTerms({ limit: null, blockSize: 10, blockPrice }), at },
});

describe.each(backends)('projection runner (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  let runner: ProjectionRunner;
  const readModels = () => new ReadModels(db);
  const append = (events: TallyEvent[], expected: bigint | 'no_stream') =>
    store.appendToStream(streamNames.accountPeriod('acme', '2026-11'), events.map(serialize), expected);

  beforeEach(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
    runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
  });
  afterEach(async () => {
    await runner.stop();
    await close();
  });

  it('projects live and counts a redelivered batch once', async () => {
    await append([accepted('u1', 3), accepted('u2', 4, 'bob')], 'no_stream');
    const batch = await store.readAllAfter(null, PROJECTED_STREAM_PREFIXES, 100);
    await runner.apply(batch);
    await runner.apply(batch);
    runner.start();
    await append([accepted('u3', 5)], 1n);
    await eventually(async () =>
      expect(await readModels().usage('acme', '2026-11', '2026-11', false)).toEqual([
        { month: '2026-11', meter: 'geo', units: 12, requests: 3, rejected: 0 },
      ]),
    );
    expect(await readModels().usage('acme', '2026-11', '2026-11', true)).toEqual([
      { month: '2026-11', meter: 'geo', subject: 'alice', units: 8, requests: 2, rejected: 0 },
      { month: '2026-11', meter: 'geo', subject: 'bob', units: 4, requests: 1, rejected: 0 },
    ]);
  });

  it("calls a SQL projection's maintain after every so many events, outside the batch, and goes on when it fails", async () => {
    // Given a projection whose maintenance records each call and fails the second one
    const calls: string[] = [];
    const errors: unknown[] = [];
    const upkeep = {
      name: 'upkeep_v1',
      schema: () => [],
      tables: () => [],
      apply: async () => undefined,
      maintain: async (db: SqlQueryable, table: string) => {
        calls.push(table);
        // Outside any transaction: a vacuum would refuse to run inside one.
        await db.query(`vacuum ${CHECKPOINTS_TABLE}`);
        if (calls.length === 2) throw new Error('vacuum failed');
      },
    };
    const maintained = new ProjectionRunner(db, store, [...PROJECTIONS, upkeep], {
      maintainEvery: 3,
      onError: () => errors.push(new Error('a batch failed')),
      onMaintenanceError: (error, projection) => errors.push(new Error(`${projection}: ${(error as Error).message}`)),
    });
    await maintained.init();
    // When batches of 2, 2 and 3 events are projected
    await append([accepted('u1', 1), accepted('u2', 1)], 'no_stream');
    await append([accepted('u3', 1), accepted('u4', 1)], 1n);
    await append([accepted('u5', 1), accepted('u6', 1), accepted('u7', 1)], 3n);
    // On a shared PostgreSQL another database's open transaction holds back what the store reads.
    const all = await eventually(async () => {
      const events = await store.readAllAfter(null, PROJECTED_STREAM_PREFIXES, 100);
      expect(events).toHaveLength(7);
      return events;
    });
    await maintained.apply(all.slice(0, 2));
    expect(calls).toEqual([]);
    await maintained.apply(all.slice(2, 4));
    await maintained.apply(all.slice(4));
    // Then maintenance ran after the 4th and the 7th event; its failure was reported and the batch still counted
    expect(calls).toEqual(['upkeep_v1', 'upkeep_v1']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['upkeep_v1: vacuum failed']);
    expect(await readModels().usage('acme', '2026-11', '2026-11', false)).toEqual([
      { month: '2026-11', meter: 'geo', units: 7, requests: 7, rejected: 0 },
    ]);
  });

  it('writes the rows a batch creates, changes and deletes, whatever characters their keys hold', async () => {
    // Given a read model counting units per usage id, whose row a rejection deletes
    const tally = projection<{ units: number }>({
      name: 'tally_by_id_v1',
      keys: ['account', 'id'],
      keysOf: (e) => (e.type === 'UsageAccepted' || e.type === 'UsageRejected' ? [[e.data.account, e.data.id]] : []),
      evolve: (doc, e) =>
        e.type === 'UsageAccepted' ? { units: (doc?.units ?? 0) + e.data.quantity } : e.type === 'UsageRejected' ? null : doc,
    });
    const counting = new ProjectionRunner(db, store, [tally]);
    await counting.init();
    const rejectedAs = (id: string): AccountEvent => ({
      type: 'UsageRejected',
      data: { ...(accepted(id, 0) as Extract<AccountEvent, { type: 'UsageAccepted' }>).data, reason: 'QUOTA_EXCEEDED' },
    });
    const odd = ['a"b', 'c\\d', 'e,f', '{g}', 'NULL', 'h i'];
    // When one batch creates a row per odd id and one that it deletes again at once,
    await append([...odd.map((id) => accepted(id, 1)), accepted('gone', 1), rejectedAs('gone')], 'no_stream');
    const first = await eventually(async () => {
      const events = await store.readAllAfter(null, PROJECTED_STREAM_PREFIXES, 100);
      expect(events).toHaveLength(odd.length + 2);
      return events;
    });
    await counting.apply(first);
    // and the next adds to two of them, deletes one, creates one and recreates the one deleted before
    await append(
      [accepted('a"b', 2), accepted('NULL', 3), rejectedAs('e,f'), accepted('new', 4), accepted('gone', 5)],
      BigInt(odd.length + 1),
    );
    const second = await eventually(async () => {
      const events = await store.readAllAfter(first[first.length - 1].position, PROJECTED_STREAM_PREFIXES, 100);
      expect(events).toHaveLength(5);
      return events;
    });
    await counting.apply(second);
    await counting.apply(second);
    // Then each row holds its own count, under its key exactly as the events spelled it
    const { rows } = await db.query<{ account: string; id: string; doc: { units: number } }>(
      'select account, id, doc from tally_by_id_v1 order by id collate "C"',
    );
    expect(rows.map((r) => [r.id, r.doc.units])).toEqual([
      ['NULL', 4],
      ['a"b', 3],
      ['c\\d', 1],
      ['gone', 5],
      ['h i', 1],
      ['new', 4],
      ['{g}', 1],
    ]);
  });

  it('rebuilds a dropped projection from the start of the store, leaving the others alone', async () => {
    await append([accepted('u1', 3), accepted('u2', 4)], 'no_stream');
    runner.start();
    const head = (await store.headPosition(PROJECTED_STREAM_PREFIXES))!;
    expect(await runner.waitFor(head)).toBe(true);
    await runner.stop();

    await dropProjection(db, usageMonthly);
    expect(await readModels().usage('acme', '2026-11', '2026-11', false)).toEqual([]);
    runner.start();
    await eventually(async () =>
      expect(await readModels().usage('acme', '2026-11', '2026-11', false)).toEqual([
        { month: '2026-11', meter: 'geo', units: 7, requests: 2, rejected: 0 },
      ]),
    );
    // The subject breakdown was not dropped, so replaying did not count it twice.
    expect((await readModels().usage('acme', '2026-11', '2026-11', true))[0]).toMatchObject({ units: 7, requests: 2 });
  });

  it('bills a month by the terms in force at its end, and the open month by the terms now', async () => {
    await append(
      [
        quotaSet('2026-10-01T00:00:00.000Z', '1.00'),
        accepted('oct', 25, 'alice', '2026-10'),
        quotaSet('2026-11-03T00:00:00.000Z', '9.00'),
        accepted('nov', 5),
      ],
      'no_stream',
    );
    await store.appendToStream(
      streamNames.meter('ocr'),
      [
        serialize({
          type: 'MeterDefined',
          data: {
            meter: 'ocr',
            description: null,
            creditsPerUnit: null,
            defaultQuota: withDefaultTerms({ limit: null, blockSize: 1, blockPrice: '0.25', currency: 'EUR' }),
            at: '2026-09-01T00:00:00.000Z',
          },
        }),
      ],
      'no_stream',
    );
    await store.appendToStream(
      streamNames.accountPeriod('acme', '2026-11'),
      [serialize(accepted('ocr-1', 3, 'alice', '2026-11', 'ocr'))],
      3n,
    );
    runner.start();
    expect(await runner.waitFor((await store.headPosition(PROJECTED_STREAM_PREFIXES))!)).toBe(true);
    const now = '2026-11-22T00:00:00.000Z';
    expect(await readModels().billing('2026-10', now)).toEqual([
      {
        account: 'acme',
        meter: 'geo',
        month: '2026-10',
        units: 25,
        billableUnits: 25,
        blocks: 3,
        blockSize: 10,
        blockPrice: '1.00',
        amount: '3.00',
        currency: 'USD',
      },
    ]);
    expect(await readModels().billing('2026-11', now, 'acme')).toEqual([
      {
        account: 'acme',
        meter: 'geo',
        month: '2026-11',
        units: 5,
        billableUnits: 5,
        blocks: 1,
        blockSize: 10,
        blockPrice: '9.00',
        amount: '9.00',
        currency: 'USD',
      },
      {
        account: 'acme',
        meter: 'ocr',
        month: '2026-11',
        units: 3,
        billableUnits: 3,
        blocks: 3,
        blockSize: 1,
        blockPrice: '0.25',
        amount: '0.75',
        currency: 'EUR',
      },
    ]);
    // Asked as of a time before the price change, November is billed at the old price.
    expect((await readModels().billing('2026-11', '2026-11-02T00:00:00.000Z', 'acme'))[0]).toMatchObject({
      blockPrice: '1.00',
      amount: '1.00',
    });
  });
});
