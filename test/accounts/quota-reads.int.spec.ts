import { AccountHandler, Clock, GetQuotasHandler, GetQuotasQuery } from '@tally/api';
import { withDefaultTerms } from '@tally/events';
import { quotaStatus, type ReadModels } from '@tally/read-models';
import { countingStore } from '../support/counting-store';
import { sqlBackends, storeOn } from '../support/databases';
import { geoUsage } from '../support/usage-command';

// docs/contract.md §2.7: a parent's quota view counts its subtree, read from the tree's aggregate;
// an account in no tree reads as the read models say, and costs no read of the event store.

const NOW = new Date().toISOString();
let ids = 0;

/** The read models' answer, as the quotas projection would give it: the account's own usage only. */
const ownUsage = new Map<string, number>();
const readModels = {
  quotas: async (account: string, now: string) => [
    quotaStatus('geo', withDefaultTerms({ limit: 1000 }), ownUsage.get(account) ?? 0, 0, now),
  ],
} as unknown as ReadModels;
const clock: Clock = { now: () => NOW };

describe.each(sqlBackends())('quota reads and account trees (%s)', (_name, open) => {
  const { store: storeNow } = storeOn(open);

  function setUp() {
    const { store, reads } = countingStore(storeNow());
    const accounts = new AccountHandler(store, { defaultCredits: 0, retry: { attempts: 20, baseDelayMs: 1 } });
    const quotas = new GetQuotasHandler(readModels, null as never, accounts, clock);
    const decide = async (account: string, quantity: number) => {
      expect(await accounts.execute(geoUsage(account, quantity, NOW))).toMatchObject({ ok: true });
      ownUsage.set(account, (ownUsage.get(account) ?? 0) + quantity);
    };
    return { accounts, quotas, reads, decide };
  }

  it('reads nothing from the store for an account in no tree that this process knows', async () => {
    const { quotas, reads, decide } = setUp();
    const plain = `plain${++ids}`;
    await decide(plain, 7);
    const before = reads();
    const [status] = await quotas.execute(new GetQuotasQuery(plain, 'geo'));
    expect(status).toMatchObject({ usage: 7, remaining: 993 });
    expect(status).not.toHaveProperty('own');
    expect(reads()).toBe(before);
  });

  it('still reads the tree for a parent with members, counting its subtree, its own part apart', async () => {
    const { accounts, quotas, reads, decide } = setUp();
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
