import fc from 'fast-check';
import { serialize, streamNames, withDefaultTerms, type AccountEvent } from '@tally/events';
import { isText } from '@tally/messages';
import { PROJECTED_STREAM_PREFIXES, PROJECTIONS, ProjectionRunner, ReadModels } from '@tally/read-models';
import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import { sqlBackends } from '../support/databases';

// The read side keyed by names too: projections, quotas and billing must treat a meter named
// __proto__ or toString as any other. Checked against a Map model over arbitrary names.
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'total'];
const name = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.string({ minLength: 1, maxLength: 8 }).filter((s) => isText(s, 1, 8)),
);
const NOW = '2026-11-22T10:00:00.000Z';

describe.each(sqlBackends())('read models over prototype names (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  let runner: ProjectionRunner;
  beforeAll(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
    runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
  });
  afterAll(() => close());

  let accounts = 0;
  it('projects quotas, usage and billing per meter exactly as a Map model does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 50 })), { maxLength: 12 }),
        async (meters, uses) => {
          const account = `acct-${++accounts}`;
          const events: AccountEvent[] = meters.map((meter) => ({
            type: 'QuotaSet',
            data: {
              account,
              meter,
              quota: withDefaultTerms({ limit: null, blockSize: 10, blockPrice: '1' }),
              at: '2026-11-01T00:00:00.000Z',
            },
          }));
          const model = new Map<string, number>();
          uses.forEach(([pick, quantity], i) => {
            const meter = meters[pick % meters.length];
            model.set(meter, (model.get(meter) ?? 0) + quantity);
            events.push({
              type: 'UsageAccepted',
              data: {
                account,
                source: 's',
                id: `u${i}`,
                subject: account,
                meter,
                quantity,
                time: NOW,
                month: '2026-11',
                usage: 0,
                limit: null,
                remaining: null,
                overage: 0,
                decidedAt: NOW,
                reportedBy: 'kafka',
                creditsCharged: 0,
              },
            });
          });
          const head = await store.headPosition(PROJECTED_STREAM_PREFIXES);
          await store.appendToStream(streamNames.accountPeriod(account, '2026-11'), events.map(serialize), 'no_stream');
          // The store shows an append only once no older transaction (in any database) still runs.
          let batch = await store.readAllAfter(head, PROJECTED_STREAM_PREFIXES, 1000);
          while (batch.length < events.length) {
            await new Promise((resolve) => setTimeout(resolve, 10));
            batch = await store.readAllAfter(head, PROJECTED_STREAM_PREFIXES, 1000);
          }
          await runner.apply(batch);

          const readModels = new ReadModels(db);
          const quotas = await readModels.quotas(account, NOW);
          expect(new Map(quotas.map((q) => [q.meter, q.usage]))).toEqual(new Map(meters.map((m) => [m, model.get(m) ?? 0])));
          const billing = await readModels.billing('2026-11', NOW, account);
          expect(new Map(billing.map((l) => [l.meter, [l.units, l.blocks]]))).toEqual(
            new Map([...model].map(([m, units]) => [m, [units, Math.ceil(units / 10)]])),
          );
          const usage = await readModels.usage(account, '2026-11', '2026-11', false);
          expect(new Map(usage.map((u) => [u.meter, u.units]))).toEqual(model);
        },
      ),
      { numRuns: 25, seed: 20_261_130 },
    );
  });
});
