import { AccountHandler } from '@tally/api';
import type { DecideUsage } from '@tally/domain';
import { describeIf, eventually, infra } from '../infra/infra';
import { errorLines } from '../support/api-process';
import { startTally, type RunningTally } from '../support/tally';
import { produce, topicPrefix, usageMessage } from './kafka-helpers';

const ACCOUNTS = 12;
const SUBJECTS_PER_ACCOUNT = 5;
const WAVES = 8;
const PER_WAVE = 300;

/** When an instance was deciding which accounts: one interval per call into the decision service. */
interface Deciding {
  instance: string;
  accounts: Set<string>;
  from: number;
  to: number;
}

/** Records every call the instance's Kafka intake makes into its AccountHandler. */
function watchDeciding(tally: RunningTally, instance: string, log: Deciding[]): void {
  const decisions = tally.app.get(AccountHandler);
  const executeAll = decisions.executeAll.bind(decisions);
  decisions.executeAll = async (commands) => {
    const entry: Deciding = {
      instance,
      accounts: new Set(commands.map((c) => (c as DecideUsage).account)),
      from: performance.now(),
      to: Infinity,
    };
    log.push(entry);
    try {
      return await executeAll(commands);
    } finally {
      entry.to = performance.now();
    }
  };
}

const conflictsOf = async (tally: RunningTally) => {
  const text = (await tally.admin.as(null).get('/metrics')).text;
  return Number(/^tally_version_conflicts_total (\d+)/m.exec(text)?.[1] ?? 0);
};

describeIf(infra.kafkaBrokers && infra.postgresUrl, 'two api instances over pooled accounts', () => {
  let first: RunningTally;
  let second: RunningTally;
  let prefix: string;
  const logs: string[] = [];
  const deciding: Deciding[] = [];

  beforeAll(async () => {
    prefix = topicPrefix();
    first = await startTally('postgres', { kafka: { topicPrefix: prefix }, logs });
    await first.admin.put('/v1/meters/pooled', { defaultQuota: { limit: null } });
    // Every account pools subjects whose keys hash to different partitions of the usage topic.
    for (let a = 0; a < ACCOUNTS; a++) {
      for (let s = 0; s < SUBJECTS_PER_ACCOUNT; s++) {
        expect((await first.admin.put(`/v1/subjects/pool-${a}-${s}`, { account: `org-${a}` })).status).toBe(200);
      }
    }
    // The second joins the group (a rebalance) and shares the database; the first projects.
    second = await startTally('postgres', { location: first.location, kafka: { topicPrefix: prefix }, project: false, logs });
    // Steady state: both consuming after the rebalance its joining caused.
    await eventually(
      () => expect([first.runtime.intake?.consuming(), second.runtime.intake?.consuming()]).toEqual([true, true]),
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    watchDeciding(first, 'first', deciding);
    watchDeciding(second, 'second', deciding);
  }, 90_000);

  afterAll(async () => {
    await second?.stop();
    await first?.destroy();
  });

  it('never decide one account at once: each account has one owner, and nothing collides', async () => {
    const usage = `${prefix}metering.usage.v1`;
    let n = 0;
    for (let wave = 0; wave < WAVES; wave++) {
      const messages = Array.from({ length: PER_WAVE }, () => {
        const i = n++;
        const subject = `pool-${i % ACCOUNTS}-${Math.floor(i / ACCOUNTS) % SUBJECTS_PER_ACCOUNT}`;
        return usageMessage({ id: `p-${i}`, subject, meter: 'pooled', quantity: 1 });
      });
      await produce(usage, messages);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await eventually(async () => {
      const month = new Date().toISOString().slice(0, 7);
      const lines = (await first.admin.get(`/v1/billing?month=${month}`)).body as Array<{ meter: string; units: number }>;
      expect(lines.filter((l) => l.meter === 'pooled').reduce((sum, l) => sum + l.units, 0)).toBe(WAVES * PER_WAVE);
    }, 60_000);

    // Which instances decided each account.
    const owners = new Map<string, Set<string>>();
    for (const entry of deciding) {
      for (const account of entry.accounts) owners.set(account, (owners.get(account) ?? new Set()).add(entry.instance));
    }
    expect(owners.size).toBe(ACCOUNTS);
    for (const [account, instances] of owners)
      expect({ account, instances: [...instances] }).toEqual({ account, instances: [expect.any(String)] });
    // Both took part (six partitions, twelve accounts: each instance owns some).
    expect(new Set(deciding.map((d) => d.instance))).toEqual(new Set(['first', 'second']));
    // And so no interval of one instance overlaps another's on a shared account.
    for (const a of deciding.filter((d) => d.instance === 'first')) {
      for (const b of deciding.filter((d) => d.instance === 'second')) {
        const shared = [...a.accounts].filter((account) => b.accounts.has(account));
        if (shared.length > 0) expect({ shared, overlap: a.from < b.to && b.from < a.to }).toEqual({ shared, overlap: false });
      }
    }
    expect((await conflictsOf(first)) + (await conflictsOf(second))).toBe(0);
    // The rebalance the second instance's joining caused logged nothing at error level.
    expect(errorLines(logs)).toEqual([]);
  }, 120_000);
});
