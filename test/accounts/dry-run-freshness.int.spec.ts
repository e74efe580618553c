import { AccountHandler, type AccountHandlerOptions } from '@tally/api';
import { withDefaultTerms } from '@tally/events';
import { SqlEventStore, type EventStore } from '@tally/eventstore';
import { decisionFor, originalDecision, usageOf, type AccountCommand } from '@tally/domain';
import { sqlBackends } from '../support/databases';

const NOW = '2026-11-10T00:00:00.000Z';
const usage = (account: string, id: string): AccountCommand => ({
  type: 'DecideUsage',
  account,
  usage: { source: 'svc', id, subject: account, meter: 'geo', quantity: 1, time: null },
  meter: null,
  reportedBy: 'http',
  now: NOW,
});
const quota = (account: string, limit: number | null): AccountCommand => ({
  type: 'SetQuota',
  account,
  meter: 'geo',
  quota: withDefaultTerms({ limit }),
  now: NOW,
});

/** The store, with the name of every read it is asked for (appends and snapshots not listed). */
function tapped(store: EventStore): { store: EventStore; reads: string[] } {
  const reads: string[] = [];
  const proxy = new Proxy(store, {
    get(target, name, receiver) {
      const member = Reflect.get(target, name, receiver) as unknown;
      if (typeof member !== 'function' || typeof name !== 'string' || !name.startsWith('read') || name === 'readSnapshot') {
        return member;
      }
      return (...args: unknown[]) => {
        reads.push(name);
        return (member as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, reads };
}

describe.each(sqlBackends())('a dry run of an account another process decides on too (%s)', (_name, open) => {
  let close: () => Promise<void>;
  let store: EventStore;
  beforeAll(async () => {
    let db;
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterAll(() => close());

  const deciderOn = (on: EventStore, options: Partial<AccountHandlerOptions> = {}) =>
    new AccountHandler(on, { defaultCredits: 0, maxBatch: 100, retry: { attempts: 50, baseDelayMs: 2 }, ...options });

  it("answers from the other process's decisions made since it cached the account, in one read of the store", async () => {
    // Given a hard limit of 3, this process having cached the account when it decided its first usage
    const { store: watched, reads } = tapped(store);
    const here = deciderOn(watched);
    const there = deciderOn(store);
    await here.execute(quota('fresh', 3));
    await here.execute(usage('fresh', 'a-1'));

    // When the other process takes the last two units, and then this one is asked to check a third
    await there.executeAll([usage('fresh', 'b-1'), usage('fresh', 'b-2')]);
    reads.length = 0;
    const check = await here.dryRun(usage('fresh', 'c-1'));

    // Then the check refuses it as the decision would, having read the stream's new events and the
    // claims of its id together
    expect(check.ok && check.events.map((e) => [e.type, e.data])).toEqual([
      ['UsageRejected', expect.objectContaining({ reason: 'QUOTA_EXCEEDED', usage: 3 })],
    ]);
    expect(reads).toEqual(['readStreamWithClaimed']);
    const decided = await here.execute(usage('fresh', 'c-1'));
    expect(decided.ok && decided.events.map((e) => e.type)).toEqual(['UsageRejected']);
  });

  it('answers a repeat of an id its memory forgot with the original decision, counting nothing', async () => {
    // Given an account whose cached memory keeps a few ids, and an id decided before a dozen others
    const { store: watched, reads } = tapped(store);
    const here = deciderOn(watched, { recentBudget: 0 });
    await here.execute(quota('forgetful', null));
    const first = await here.execute(usage('forgetful', 'old'));
    for (let i = 0; i < 12; i++) await here.execute(usage('forgetful', `new-${i}`));
    const cached = await here.dryRun(usage('forgetful', 'another'));
    expect(cached.ok && decisionFor(cached.state, 'svc', 'old')).toBeNull();

    // When the first id is checked again
    reads.length = 0;
    const repeat = await here.dryRun(usage('forgetful', 'old'));

    // Then it gets the original decision from the claims index, read with the stream, and counts nothing
    expect(repeat.ok && repeat.events).toEqual([]);
    expect(repeat.ok && first.ok && originalDecision(repeat.state, 'svc', 'old')).toEqual(first.ok && first.events[0]);
    expect(repeat.ok && usageOf(repeat.state, 'geo', '2026-11')).toBe(13);
    expect(reads).toEqual(['readStreamWithClaimed']);
  });

  it('follows its account into the tree another process moved it to', async () => {
    // Given a parent with a hard limit of 1, already reached, and a child this process cached outside any tree
    const here = deciderOn(store);
    const there = deciderOn(store);
    await there.execute(quota('parent', 1));
    await there.execute(usage('parent', 'p-1'));
    await here.execute(quota('child', null));
    await here.execute(usage('child', 'k-1'));

    // When the other process attaches the child below the parent, and this one checks a usage of the child
    await there.setParent('child', 'parent', NOW);
    const check = await here.dryRun(usage('child', 'k-2'));

    // Then the parent's limit refuses it
    expect(check.ok && check.events.map((e) => [e.type, e.data])).toEqual([
      ['UsageRejected', expect.objectContaining({ reason: 'QUOTA_EXCEEDED', limitedBy: 'parent' })],
    ]);
  });
});
