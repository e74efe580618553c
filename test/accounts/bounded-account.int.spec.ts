import { AccountDecisions, AccountRepository } from '@tally/api';
import { withDefaultTerms } from '@tally/events';
import { SqlEventStore, type EventStore, type SqlClient } from '@tally/eventstore';
import { RECENT_IDS, decisionFor, originalDecision, usageOf, type AccountCommand } from '@tally/domain';
import { sqlBackends } from '../support/databases';

const NOW = '2026-11-10T00:00:00.000Z';
const usage = (id: string, now = NOW): AccountCommand => ({
  type: 'RequestUsage',
  account: 'acme',
  usage: { source: 'svc', id, subject: 'acme', meter: 'geo', quantity: 1, time: null },
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
    new AccountDecisions(new AccountRepository(s), { defaultCredits: 0, maxBatch: 100, retry: { attempts: 50, baseDelayMs: 2 } });

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
