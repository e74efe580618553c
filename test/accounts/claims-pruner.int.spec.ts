import { AccountHandler, ClaimsPruner } from '@tally/api';
import { withDefaultTerms } from '@tally/events';
import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import { sqlBackends } from '../support/databases';

const claim = (id: string, at: string) => [{ event: 0, account: 'acme', source: 'svc', id, kind: 'decided', at }];
const event = { type: 'Counted.v1', data: { n: 1 } };
const QUOTA = withDefaultTerms({ limit: null });

describe.each(sqlBackends())('the claims pruner (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
  });
  afterAll(() => close());

  it('deletes the claims older than 35 days and keeps the rest, logging a failure instead of throwing', async () => {
    const store = await SqlEventStore.create(db);
    await store.appendToStream('s-old', [event], 'no_stream', claim('old', '2026-01-01T00:00:00.000Z'));
    await store.appendToStream('s-edge', [event], 'no_stream', claim('edge', '2026-01-02T00:00:00.000Z'));
    await store.appendToStream('s-new', [event], 'no_stream', claim('new', '2026-02-05T00:00:00.000Z'));
    const logged: unknown[] = [];
    const logger = { info: (...args: unknown[]) => logged.push(args), warn: (...args: unknown[]) => logged.push(args) };
    const pruner = new ClaimsPruner(store, logger as never, () => Date.parse('2026-02-06T00:00:00.000Z'));
    expect(await pruner.runOnce()).toBe(1);
    const { rows } = await db.query<{ id: string }>('select id from tally_claims order by id');
    expect(rows.map((r) => r.id)).toEqual(['edge', 'new']);
    expect(await pruner.runOnce()).toBe(0);

    const broken = new ClaimsPruner({ pruneClaims: () => Promise.reject(new Error('down')) }, logger as never);
    expect(await broken.runOnce()).toBe(0);
    expect(logged).toHaveLength(2);
  });

  it('gives a store written before the claims index the claims of its last 35 days, once', async () => {
    const store = await SqlEventStore.create(db);
    const decisions = new AccountHandler(store, {
      defaultCredits: 0,
      maxBatch: 10,
      retry: { attempts: 5, baseDelayMs: 2 },
    });
    const now = new Date().toISOString();
    const meter = { meter: 'geo', description: null, creditsPerUnit: null, defaultQuota: { ...QUOTA } };
    const usage = { source: 'svc', subject: 'old', meter: 'geo', quantity: 1, time: null };
    await decisions.execute({ type: 'DecideUsage', account: 'old', usage: { ...usage, id: 'u1' }, meter, reportedBy: 'k', now });
    await decisions.execute({
      type: 'HoldUsage',
      account: 'old',
      usage: { ...usage, id: 'h1' },
      meter,
      reportedBy: 'k',
      now,
      ttlSeconds: 60,
    });
    await decisions.execute({
      type: 'CommitHold',
      account: 'old',
      source: 'svc',
      id: 'h1',
      quantity: 1,
      meter,
      reportedBy: 'k',
      now,
    });
    await decisions.execute({ type: 'ReverseUsage', account: 'old', source: 'svc', id: 'u1', reason: null, now });
    const claims = async () =>
      (await db.query<{ id: string; kind: string }>("select id, kind from tally_claims where account = 'old' order by id, kind"))
        .rows;
    const written = await claims();
    expect(written).toEqual([
      { id: 'h1', kind: 'committed' },
      { id: 'h1', kind: 'decided' },
      { id: 'h1', kind: 'ended' },
      { id: 'u1', kind: 'decided' },
      { id: 'u1', kind: 'reversed' },
    ]);
    await db.query('drop table tally_claims');
    await SqlEventStore.create(db);
    expect(await claims()).toEqual(written);
  });
});
