import { AccountHandler, Clock, GetQuotasHandler, GetQuotasQuery } from '@tally/api';
import type { AccountCommand } from '@tally/domain';
import { withDefaultTerms } from '@tally/events';
import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import { quotaStatus, type ReadModels } from '@tally/read-models';
import { countingStore } from '../support/counting-store';
import { sqlBackends } from '../support/databases';

// docs/contract.md §2.7: a parent's quota view counts its subtree, read from the tree's aggregate;
// an account in no tree reads as the read models say, and costs no read of the event store.

const NOW = new Date().toISOString();
const GEO = { meter: 'geo', description: null, creditsPerUnit: null, defaultQuota: withDefaultTerms({ limit: 1000 }) };
let ids = 0;
const usage = (account: string, quantity: number): AccountCommand => ({
  type: 'DecideUsage',
  account,
  usage: { source: 'svc', id: `u${++ids}`, subject: account, meter: 'geo', quantity, time: null },
  meter: GEO,
  reportedBy: 'test',
  now: NOW,
});

/** The read models' answer, as the quotas projection would give it: the account's own usage only. */
const ownUsage = new Map<string, number>();
const readModels = {
  quotas: async (account: string, now: string) => [
    quotaStatus('geo', withDefaultTerms({ limit: 1000 }), ownUsage.get(account) ?? 0, 0, now),
  ],
} as unknown as ReadModels;
const clock: Clock = { now: () => NOW };

describe.each(sqlBackends())('quota reads and account trees (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  beforeAll(async () => ({ db, close } = await open()));
  afterAll(() => close());

  async function setUp() {
    const { store, reads } = countingStore(await SqlEventStore.create(db));
    const accounts = new AccountHandler(store, { defaultCredits: 0, retry: { attempts: 20, baseDelayMs: 1 } });
    const quotas = new GetQuotasHandler(readModels, null as never, accounts, clock);
    const decide = async (account: string, quantity: number) => {
      expect(await accounts.execute(usage(account, quantity))).toMatchObject({ ok: true });
      ownUsage.set(account, (ownUsage.get(account) ?? 0) + quantity);
    };
    return { accounts, quotas, reads, decide };
  }

  it('reads nothing from the store for an account in no tree that this process knows', async () => {
    const { quotas, reads, decide } = await setUp();
    const plain = `plain${++ids}`;
    await decide(plain, 7);
    const before = reads();
    const [status] = await quotas.execute(new GetQuotasQuery(plain, 'geo'));
    expect(status).toMatchObject({ usage: 7, remaining: 993 });
    expect(status).not.toHaveProperty('own');
    expect(reads()).toBe(before);
  });

  it('still reads the tree for a parent with members, counting its subtree, its own part apart', async () => {
    const { accounts, quotas, reads, decide } = await setUp();
    const [root, team] = [`root${++ids}`, `team${++ids}`];
    await decide(root, 5);
    await accounts.setParent(team, root, NOW);
    await decide(team, 10);
    const before = reads();
    const [status] = await quotas.execute(new GetQuotasQuery(root, 'geo'));
    expect(status).toMatchObject({ usage: 15, remaining: 985, own: { usage: 5, reserved: 0 } });
    expect(reads()).toBeGreaterThan(before);
    // A member without members below it answers as the read models say.
    const [leaf] = await quotas.execute(new GetQuotasQuery(team, 'geo'));
    expect(leaf).toMatchObject({ usage: 10 });
    expect(leaf).not.toHaveProperty('own');
  });
});
