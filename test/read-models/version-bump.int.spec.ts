import { serialize, streamNames, type TallyEvent } from '@tally/events';
import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import * as current from '@tally/read-models';
import { sqlBackends } from '../support/databases';

const backends = sqlBackends();
const USAGE_PROJECTIONS = '../../libs/read-models/src/usage/projection';

const accepted = (id: string, quantity: number): TallyEvent => ({
  type: 'UsageAccepted',
  data: {
    ...{ account: 'acme', source: 'svc', id, subject: 'alice', meter: 'geo', quantity, month: '2026-11' },
    ...{ time: '2026-11-05T00:00:00.000Z', decidedAt: '2026-11-05T00:00:00.000Z', usage: 0, limit: null, remaining: null },
    ...{ overage: 0, reportedBy: 'kafka', creditsCharged: 0 },
  },
});

/**
 * The library as it would load after editing one line, `name: 'usage_monthly_v1'` → `_v2`, in
 * usage/projection.ts, and nothing else: every importer (projection list, queries) sees the new name.
 */
function withMonthlyUsageRenamed(): typeof current {
  let bumped: typeof current | undefined;
  jest.isolateModules(() => {
    jest.doMock(USAGE_PROJECTIONS, () => {
      const actual = jest.requireActual(USAGE_PROJECTIONS);
      return { ...actual, usageMonthly: { ...actual.usageMonthly, name: 'usage_monthly_v2' } };
    });
    // Loaded into the fresh registry (an import would be hoisted out of it); the library itself
    // is not mocked, only the module its projections come from.
    bumped = jest.requireActual<typeof current>('@tally/read-models');
  });
  jest.dontMock(USAGE_PROJECTIONS);
  return bumped as typeof current;
}

describe.each(backends)('bumping a projection version (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  beforeEach(async () => ({ db, close } = await open()));
  afterEach(() => close());

  const tables = async () =>
    (
      await db.query<{ name: string }>(
        "select table_name as name from information_schema.tables where table_name like 'usage_monthly_v%' order by 1",
      )
    ).rows.map((r) => r.name);

  it('rebuilds the renamed table from the start of the store and moves every reader to it', async () => {
    const store = await SqlEventStore.create(db);
    await store.appendToStream(
      streamNames.accountPeriod('acme', '2026-11'),
      [accepted('a', 3), accepted('b', 4)].map(serialize),
      'no_stream',
    );
    const project = async (lib: typeof current) => {
      const runner = new lib.ProjectionRunner(db, store, lib.PROJECTIONS);
      await runner.init();
      await runner.apply(await store.readAllAfter(null, lib.PROJECTED_STREAM_PREFIXES, 1000));
    };
    await project(current);
    expect(await tables()).toEqual(['usage_monthly_v1']);

    const bumped = withMonthlyUsageRenamed();
    expect(bumped.PROJECTIONS.map((p) => p.name)).toContain('usage_monthly_v2');
    await project(bumped);
    expect(await tables()).toEqual(['usage_monthly_v1', 'usage_monthly_v2']);
    // Empty the old table: whatever the readers answer now can only come from the new one.
    await db.query('delete from usage_monthly_v1');

    const reads = new bumped.ReadModels(db);
    const now = '2026-11-20T00:00:00.000Z';
    expect(await reads.usage('acme', '2026-11', '2026-11', false)).toEqual([
      { month: '2026-11', meter: 'geo', units: 7, requests: 2, rejected: 0 },
    ]);
    expect((await reads.billing('2026-11', now)).map((l) => [l.account, l.meter, l.units])).toEqual([['acme', 'geo', 7]]);
    // The unchanged projections were not replayed: the subject breakdown still counts each usage once.
    expect((await reads.usage('acme', '2026-11', '2026-11', true))[0]).toMatchObject({ units: 7, requests: 2 });
    // And the library as it was reads the emptied old table.
    expect(await new current.ReadModels(db).usage('acme', '2026-11', '2026-11', false)).toEqual([]);
  });
});
