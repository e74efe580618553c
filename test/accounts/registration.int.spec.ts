import { AccountDecisions, AccountRepository, type RepositoryOptions } from '@tally/api';
import { deserialize, serialize, streamNames, type AccountEvent } from '@tally/events';
import { SqlEventStore, type EventStore, type SqlClient } from '@tally/eventstore';
import type { AccountCommand } from '@tally/domain';
import { sqlBackends } from '../support/databases';

const usage = (account: string, id: string, now: string): AccountCommand => ({
  type: 'RequestUsage',
  account,
  usage: { source: 'svc', id, subject: account, meter: 'geo', quantity: 1, time: null },
  meter: { meter: 'geo', description: null, creditsPerUnit: 1, defaultQuota: null },
  reportedBy: 'kafka',
  now,
});

describe.each(sqlBackends())('registering an account, and dry runs (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: EventStore;
  beforeAll(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterAll(() => close());

  const deciderOn = (options: Partial<RepositoryOptions> = {}) =>
    new AccountDecisions(new AccountRepository(store, options), {
      defaultCredits: 100,
      maxBatch: 100,
      retry: { attempts: 50, baseDelayMs: 2 },
    });
  const rows = async () => Number((await db.query<{ n: number }>('select count(*)::int as n from tally_events')).rows[0].n);
  const eventsOf = async (account: string, period: string) =>
    (await store.readStream(streamNames.accountPeriod(account, period))).map((e) => deserialize(e) as AccountEvent);

  it('a writer stopped right after registering leaves no orphaned stream and no second default credits, even a month later', async () => {
    const crashing = deciderOn({
      faults: {
        afterRegistration: (_account, registered) => {
          if (registered) throw new Error('killed after registration');
        },
      },
    });
    await expect(crashing.execute(usage('crash', 'u1', '2026-11-30T23:00:00.000Z'))).rejects.toThrow('killed');
    expect(await eventsOf('crash', '2026-11')).toEqual([]);

    const next = await deciderOn().execute(usage('crash', 'u2', '2026-12-02T00:00:00.000Z'));
    expect(next.ok && next.state.credits).toEqual({ balance: 99, granted: 100, spent: 1 });
    const november = await eventsOf('crash', '2026-11');
    const december = await eventsOf('crash', '2026-12');
    expect([...november, ...december].filter((e) => e.type === 'CreditsGranted')).toHaveLength(1);
    // The period the root registered opens (with the default credits, once) and takes the decision.
    expect(november.map((e) => e.type)).toEqual(['PeriodOpened', 'CreditsGranted', 'UsageAccepted']);
    expect(december).toEqual([]);
    const root = (await store.readStream(streamNames.accountRoot('crash'))).map(
      (e) => deserialize(e) as { data: { period: string } },
    );
    expect(root.map((e) => e.data.period)).toEqual(['2026-11']);
    // The next decision moves the books on as usual.
    await deciderOn().execute(usage('crash', 'u3', '2026-12-02T00:00:01.000Z'));
    expect((await eventsOf('crash', '2026-12')).map((e) => e.type)).toEqual(['PeriodOpened', 'UsageAccepted']);
  });

  it('a dry run writes nothing: not for a new account, not in a new month, not for a half-done move', async () => {
    const decider = deciderOn();
    const before = await rows();
    const fresh = await decider.dryRun(usage('dry', 'u1', '2026-11-10T00:00:00.000Z'));
    expect(fresh.ok && fresh.events.map((e) => e.type)).toEqual(['UsageAccepted']);
    expect(await rows()).toBe(before);

    await decider.execute(usage('dry', 'u1', '2026-11-10T00:00:00.000Z'));
    const written = await rows();
    const december = await deciderOn().dryRun(usage('dry', 'u2', '2026-12-10T00:00:00.000Z'));
    expect(december.ok && december.state.period).toBe('2026-12');
    expect(december.ok && december.state.credits.balance).toBe(98);
    expect(await rows()).toBe(written);

    // A move half done: November closed, December never opened.
    await store.appendToStream(
      streamNames.accountPeriod('dry', '2026-11'),
      [
        serialize({
          type: 'PeriodClosed',
          data: { account: 'dry', period: '2026-11', next: '2026-12', closedAt: '2026-12-01T00:00:00.000Z' },
        }),
      ],
      2n,
    );
    const halfDone = await rows();
    const resumed = await deciderOn().dryRun(usage('dry', 'u3', '2026-12-10T00:00:00.000Z'));
    expect(resumed.ok && resumed.events.map((e) => e.type)).toEqual(['UsageAccepted']);
    expect(await rows()).toBe(halfDone);
  });
});
