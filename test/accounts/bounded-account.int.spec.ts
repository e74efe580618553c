import { AccountHandler } from '@tally/api';
import { withDefaultTerms } from '@tally/events';
import { SqlEventStore, type EventStore, type SqlClient } from '@tally/eventstore';
import { RECENT_IDS, decisionFor, originalDecision, usageOf, type AccountCommand } from '@tally/domain';
import { sqlBackends } from '../support/databases';

const NOW = '2026-11-10T00:00:00.000Z';
const usage = (id: string, now = NOW, quantity = 1): AccountCommand => ({
  type: 'DecideUsage',
  account: 'acme',
  usage: { source: 'svc', id, subject: 'acme', meter: 'geo', quantity, time: null },
  meter: null,
  reportedBy: 'kafka',
  now,
});

describe.each(sqlBackends())('an account that has forgotten most of its decisions (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: EventStore;
  beforeAll(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterAll(() => close());

  const deciderOn = (s: EventStore) =>
    new AccountHandler(s, { defaultCredits: 0, maxBatch: 100, retry: { attempts: 50, baseDelayMs: 2 } });

  it('answers a repeat of its first usage from the claims index, counting nothing, and reverses it', async () => {
    const decider = deciderOn(store);
    await decider.execute({
      type: 'SetQuota',
      account: 'acme',
      meter: 'geo',
      quota: withDefaultTerms({ limit: null }),
      now: NOW,
    });
    const total = RECENT_IDS + 50;
    const first = await decider.execute(usage('u-0'));
    for (let i = 1; i < total; i += 100) {
      await decider.executeAll(Array.from({ length: Math.min(100, total - i) }, (_, j) => usage(`u-${i + j}`)));
    }
    const repeat = await decider.execute(usage('u-0', '2026-11-12T00:00:00.000Z'));
    if (!repeat.ok || !first.ok) throw new Error('refused');
    expect(repeat.events).toEqual([]);
    expect(originalDecision(repeat.state, 'svc', 'u-0')).toEqual(first.events[0]);
    expect(usageOf(repeat.state, 'geo', '2026-11')).toBe(total);
    expect(repeat.state.decisions.size).toBeLessThanOrEqual(RECENT_IDS);

    // A process that never saw it (a cold load) answers the same, and so does a dry run.
    const cold = deciderOn(store);
    const dry = await cold.dryRun(usage('u-1', '2026-11-12T00:00:00.000Z'));
    expect(dry.ok && dry.events).toEqual([]);
    expect(dry.ok && decisionFor(dry.state, 'svc', 'u-1')?.event.data.id).toBe('u-1');
    const again = await cold.execute(usage('u-1', '2026-11-12T00:00:00.000Z'));
    expect(again.ok && again.events).toEqual([]);

    const reversed = await cold.execute({
      type: 'ReverseUsage',
      account: 'acme',
      source: 'svc',
      id: 'u-2',
      reason: null,
      now: '2026-11-12T00:00:00.000Z',
    });
    expect(reversed.ok && reversed.events.map((e) => e.type)).toEqual(['UsageReversed']);
    const twice = await deciderOn(store).execute({
      type: 'ReverseUsage',
      account: 'acme',
      source: 'svc',
      id: 'u-2',
      reason: null,
      now: '2026-11-12T00:00:00.000Z',
    });
    expect(twice.ok && twice.events).toEqual([]);
    expect(twice.ok && usageOf(twice.state, 'geo', '2026-11')).toBe(total - 1);
  });
});

describe.each(sqlBackends())('loading an account from its snapshot (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: EventStore;
  beforeAll(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterAll(() => close());

  const loads: Array<{ snapshot: boolean; events: number }> = [];
  const deciderOn = () =>
    new AccountHandler(store, {
      snapshotEvery: 500,
      onLoad: (load) => loads.push(load),
      defaultCredits: 0,
      maxBatch: 100,
      retry: { attempts: 50, baseDelayMs: 2 },
    });

  it('reads the newest snapshot and the events after it; without snapshots it folds the stream and answers the same', async () => {
    const decider = deciderOn();
    await decider.execute({
      type: 'SetQuota',
      account: 'acme',
      meter: 'geo',
      quota: withDefaultTerms({ limit: 1500 }),
      now: NOW,
    });
    for (let i = 0; i < 1300; i += 100) {
      await decider.executeAll(Array.from({ length: 100 }, (_, j) => usage(`u-${i + j}`)));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { rows } = await db.query<{ stream_revision: string }>('select stream_revision from tally_snapshots');
    expect(rows.map((r) => Number(r.stream_revision))).toEqual([1001]);

    const asked = [usage('u-0'), usage('new-1'), usage('big', NOW, 300)];
    loads.length = 0;
    const fromSnapshot = await Promise.all(asked.map((c) => deciderOn().dryRun(c)));
    expect(loads.every((l) => l.snapshot && l.events < 500)).toBe(true);

    await db.query('delete from tally_snapshots');
    loads.length = 0;
    const fromStreams = await Promise.all(asked.map((c) => deciderOn().dryRun(c)));
    expect(loads.every((l) => !l.snapshot && l.events > 1300)).toBe(true);
    const answers = (outcomes: typeof fromSnapshot) =>
      outcomes.map((o) => (o.ok ? [o.events, usageOf(o.state, 'geo', '2026-11'), o.state.credits] : o.error.code));
    expect(answers(fromSnapshot)).toEqual(answers(fromStreams));
    expect(answers(fromStreams).map((a) => (a as unknown[])[0])).toEqual([
      [],
      [expect.objectContaining({ type: 'UsageAccepted', data: expect.objectContaining({ usage: 1301 }) })],
      [expect.objectContaining({ type: 'UsageRejected', data: expect.objectContaining({ reason: 'QUOTA_EXCEEDED' }) })],
    ]);
  });

  it('ignores a snapshot of an unknown version and folds the stream', async () => {
    await deciderOn().execute(usage('v-1'));
    await db.query(`update tally_snapshots set data = jsonb_set(data, '{version}', '99')`);
    loads.length = 0;
    const outcome = await deciderOn().dryRun(usage('v-2'));
    expect(loads).toEqual([expect.objectContaining({ snapshot: false })]);
    expect(outcome.ok && usageOf(outcome.state, 'geo', '2026-11')).toBe(1302);
  });

  it('in a month just begun, starts from the snapshot of the month before, not from its events', async () => {
    const account = 'turn';
    const inNovember = (id: string): AccountCommand => ({ ...usage(id), account }) as AccountCommand;
    const decider = deciderOn();
    await decider.execute({ type: 'SetQuota', account, meter: 'geo', quota: withDefaultTerms({ limit: null }), now: NOW });
    for (let i = 0; i < 1200; i += 100) {
      await decider.executeAll(Array.from({ length: 100 }, (_, j) => inNovember(`n-${i + j}`)));
    }
    const december = '2026-12-02T00:00:00.000Z';
    await decider.execute({ ...usage('d-1', december), account } as AccountCommand);
    await new Promise((resolve) => setTimeout(resolve, 200));
    loads.length = 0;
    const cold = await deciderOn().execute({ ...usage('d-2', december), account } as AccountCommand);
    expect(loads).toEqual([{ snapshot: true, events: expect.any(Number) }]);
    expect(loads[0].events).toBeLessThan(500);
    expect(cold.ok && cold.state.period).toBe('2026-12');
    expect(cold.ok && usageOf(cold.state, 'geo', '2026-11')).toBe(1200);
    expect(cold.ok && usageOf(cold.state, 'geo', '2026-12')).toBe(2);
    // A November id is still a duplicate, answered from the claims index.
    const repeat = await deciderOn().execute({ ...usage('n-0', december), account } as AccountCommand);
    expect(repeat.ok && repeat.events).toEqual([]);
  });
});
