import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createTestDatabase, describeIf, eventually, infra } from '../infra/infra';
import { apiProcess, type ApiProcess } from '../support/api-process';
import { freePort } from '../support/dedicated';
import { build, decisionId } from './fault-support';
import { countCopies, produce, topicPrefix, usageMessage } from './kafka-helpers';

const ROOT = resolve(__dirname, '../..');

/** `npm run start:projector` as its own process, with its operations port. */
function projector(env: Record<string, string>): { port: number; child: ChildProcess } {
  const child = spawn(process.execPath, [resolve(ROOT, 'dist/apps/projector/src/main.js')], {
    env: { PATH: process.env.PATH, ...env },
    stdio: 'ignore',
  });
  return { port: Number(env.PROJECTOR_PORT), child };
}

async function relayActive(port: number): Promise<number | null> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const match = /^tally_relay_active (\d+)/m.exec(text);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

describeIf(infra.kafkaBrokers && infra.postgresUrl, 'full mode: start:api decides, start:projector relays', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: ApiProcess;
  const projectors: Array<{ port: number; child: ChildProcess }> = [];
  const prefix = topicPrefix();
  let env: Record<string, string>;

  beforeAll(async () => {
    build();
    database = await createTestDatabase();
    env = {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: infra.kafkaBrokers!,
      KAFKA_TOPIC_PREFIX: prefix,
      // A group of its own: the default one is shared with every other deployment on the cluster.
      KAFKA_GROUP_ID: `${prefix}api`,
      KAFKA_USAGE_PARTITIONS: '3',
      LOG_LEVEL: 'warn',
    };
    api = apiProcess({ ...env, PORT: String(await freePort()) }, { apiOnly: true });
    await api.start();
  }, 60_000);
  afterAll(async () => {
    for (const p of projectors) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await api.kill('SIGKILL');
    await database.drop();
  });

  it('publishes nothing without a projector, and one projector of two relays until it dies', async () => {
    await api.admin.put('/v1/meters/relay', { defaultQuota: { limit: null } });
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        usageMessage({ id: `r-${from + i}`, subject: `s-${i % 7}`, meter: 'relay', quantity: 1 }),
      );
    await produce(`${prefix}metering.usage.v1`, batch(0, 500));
    const decisions = `${prefix}metering.decisions.v1`;
    await eventually(
      async () => expect((await api.admin.get('/metrics')).text).toMatch(/tally_decisions_total\{[^}]*\} 500/),
      20_000,
    );
    // The api alone decides but does not publish: the relay belongs to the projector.
    await expect(countCopies(decisions, decisionId, (c) => c.size > 0, { timeoutMs: 3000 })).rejects.toThrow(/timed out/);

    for (let i = 0; i < 2; i++) projectors.push(projector({ ...env, PROJECTOR_PORT: String(await freePort()) }));
    await eventually(async () => {
      const active = await Promise.all(projectors.map((p) => relayActive(p.port)));
      expect(active.sort()).toEqual([0, 1]);
    }, 30_000);
    await countCopies(decisions, decisionId, (c) => c.size >= 500);

    // SIGKILL the active relay: its lock goes with its connection, and the other takes over.
    const active = (await relayActive(projectors[0].port)) === 1 ? projectors[0] : projectors[1];
    const standby = active === projectors[0] ? projectors[1] : projectors[0];
    active.child.kill('SIGKILL');
    await produce(`${prefix}metering.usage.v1`, batch(500, 500));
    await eventually(async () => expect(await relayActive(standby.port)).toBe(1), 30_000);
    const copies = await countCopies(decisions, decisionId, (c) => c.size >= 1000, { timeoutMs: 30_000 });
    expect(copies.size).toBe(1000);
  }, 120_000);
});
