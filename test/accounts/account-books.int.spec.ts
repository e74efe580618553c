import { AccountHandler } from '@tally/api';
import { withDefaultTerms, deserialize, serialize, streamNames, type AccountEvent } from '@tally/events';
import { SqlEventStore, type EventStore, type SqlClient } from '@tally/eventstore';
import { decideBooks, fold, type AccountCommand } from '@tally/domain';
import { sqlBackends } from '../support/databases';

const backends = sqlBackends();

const usage = (id: string, quantity: number, now: string, time: string | null = null): AccountCommand => ({
  type: 'DecideUsage',
  account: 'acme',
  usage: { source: 'svc', id, subject: 'acme', meter: 'geo', quantity, time },
  meter: { meter: 'geo', description: null, creditsPerUnit: 1, defaultQuota: null },
  reportedBy: 'kafka',
  now,
});

describe.each(backends)('account books over a real store (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: EventStore;
  beforeEach(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterEach(() => close());

  const deciderOn = (s: EventStore, defaultCredits = 100) =>
    new AccountHandler(s, { defaultCredits, maxBatch: 100, retry: { attempts: 50, baseDelayMs: 2 } });
  const streamOf = async (period: string) =>
    (await store.readStream(streamNames.accountPeriod('acme', period))).map((e) => deserialize(e) as AccountEvent);

  it('opens a new account with its default credits, registering it in the root stream', async () => {
    const outcome = await deciderOn(store).execute(usage('u1', 3, '2026-11-10T00:00:00.000Z'));
    expect(outcome.ok && outcome.events[0].type).toBe('UsageAccepted');
    expect((await streamOf('2026-11')).map((e) => e.type)).toEqual(['PeriodOpened', 'CreditsGranted', 'UsageAccepted']);
    expect((await store.readStream(streamNames.accountRoot('acme'))).map((e) => e.type)).toEqual(['AccountOpened.v1']);
  });

  it('closes the books at a new month, carrying credits, quotas and recent usage, and stays idempotent across the boundary', async () => {
    const decider = deciderOn(store);
    await decider.execute({
      type: 'SetQuota',
      account: 'acme',
      meter: 'geo',
      quota: withDefaultTerms({ limit: 10 }),
      now: '2026-11-01T00:00:00.000Z',
    });
    await decider.execute(usage('late-nov', 6, '2026-11-30T23:59:00.000Z'));
    const december = await decider.execute(usage('dec-1', 2, '2026-12-01T00:00:05.000Z'));
    expect(december.ok && december.state.credits.balance).toBe(92);

    const november = await streamOf('2026-11');
    expect(november.at(-1)).toMatchObject({ type: 'PeriodClosed', data: { next: '2026-12' } });
    const opened = (await streamOf('2026-12'))[0];
    expect(opened).toMatchObject({
      type: 'PeriodOpened',
      data: {
        previous: '2026-11',
        carried: { credits: { balance: 94 }, quotas: { geo: { limit: 10 } }, usage: { geo: { '2026-11': 6 } } },
      },
    });

    // A fresh process (cold cache) finds December through the root stream and still knows November's ids.
    const cold = deciderOn(store);
    const again = await cold.execute(usage('late-nov', 6, '2026-12-02T00:00:00.000Z'));
    expect(again.ok && again.events).toEqual([]);
    // A late November event still counts against November's limit.
    const over = await cold.execute(usage('nov-late-arrival', 5, '2026-12-02T00:00:00.000Z', '2026-11-29T00:00:00.000Z'));
    expect(over.ok && over.events[0]).toMatchObject({
      type: 'UsageRejected',
      data: { reason: 'QUOTA_EXCEEDED', month: '2026-11', usage: 6 },
    });
    // And a reversal in December of a November usage gives back November's units and the credits.
    const reversed = await cold.execute({
      type: 'ReverseUsage',
      account: 'acme',
      source: 'svc',
      id: 'late-nov',
      reason: null,
      now: '2026-12-03T00:00:00.000Z',
    });
    expect(reversed.ok && reversed.state.usage.get('geo')?.get('2026-11')).toBe(0);
    expect(reversed.ok && reversed.state.credits.balance).toBe(98);
  });

  it('skips idle months: the next stream is the month of the next write', async () => {
    const decider = deciderOn(store);
    await decider.execute(usage('jan', 1, '2026-01-15T00:00:00.000Z'));
    await decider.execute(usage('may', 1, '2026-05-15T00:00:00.000Z'));
    expect((await streamOf('2026-01')).at(-1)).toMatchObject({ type: 'PeriodClosed', data: { next: '2026-05' } });
    expect(await streamOf('2026-02')).toEqual([]);
    expect((await store.readStream(streamNames.accountRoot('acme'))).map((e) => e.data)).toEqual([
      expect.objectContaining({ period: '2026-01' }),
      expect.objectContaining({ period: '2026-05' }),
    ]);
  });

  it('recovers when a writer stopped between closing one period and opening the next', async () => {
    await deciderOn(store).execute(usage('oct', 4, '2026-10-20T00:00:00.000Z'));
    const october = await store.readStream(streamNames.accountPeriod('acme', '2026-10'));
    const { closing } = decideBooks(
      { type: 'ClosePeriod', account: 'acme', now: '2026-11-01T00:00:00.000Z' },
      fold(october.map((e) => deserialize(e) as AccountEvent)),
    )!;
    await store.appendToStream(streamNames.accountPeriod('acme', '2026-10'), closing.map(serialize), october.at(-1)!.revision);

    const outcome = await deciderOn(store).execute(usage('nov', 1, '2026-11-02T00:00:00.000Z'));
    expect(outcome.ok && outcome.state.credits.balance).toBe(95);
    expect((await streamOf('2026-11')).map((e) => e.type)).toEqual(['PeriodOpened', 'UsageAccepted']);
  });

  it('never lets two deciders on the same store exceed a hard limit or a balance', async () => {
    const [a, b] = [deciderOn(store, 0), deciderOn(store, 0)];
    const now = '2026-11-10T00:00:00.000Z';
    await a.execute({ type: 'GrantCredits', account: 'acme', amount: 30, reason: null, grantId: null, now });
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).execute(usage(`c${i}`, 1, now))));
    const accepted = outcomes.filter((o) => o.ok && o.events[0]?.type === 'UsageAccepted');
    expect(accepted).toHaveLength(30);
    const state = fold(await streamOf('2026-11'));
    expect(state.credits).toMatchObject({ balance: 0, granted: 30, spent: 30 });
  });
});
