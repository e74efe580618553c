import { ClaimsPruner } from '@tally/api';
import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import { sqlBackends } from '../support/databases';

const claim = (id: string, at: string) => [{ event: 0, account: 'acme', source: 'svc', id, kind: 'decided', at }];
const event = { type: 'Counted.v1', data: { n: 1 } };

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
});
