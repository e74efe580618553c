import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, describeIf, eventually, infra } from '../infra/infra';
import { ADMIN_TOKEN, Client as Http } from '../support/tally';
import { publishedDecisions, report } from './fault-support';
import { produce, topicPrefix, usageMessage } from './kafka-helpers';

const ROOT = resolve(__dirname, '../..');
// 50,000 and more still waiting when the api is killed.
const MESSAGES = 52_000;
const ACCOUNTS = 100;

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

describeIf(infra.kafkaBrokers && infra.postgresUrl, 'Kafka consumer killed mid-stream and restarted', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let child: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv;
  let port: number;

  const start = async () => {
    child = spawn(process.execPath, [resolve(ROOT, 'dist/apps/api/src/main.js')], { env, stdio: 'ignore' });
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200), 30_000);
  };
  const count = async (sql: string) => {
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      return Number((await db.query(sql)).rows[0].n);
    } finally {
      await db.end();
    }
  };

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
    database = await createTestDatabase();
    port = await freePort();
    env = {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: database.url,
      KAFKA_BROKERS: infra.kafkaBrokers!,
      KAFKA_TOPIC_PREFIX: topicPrefix(),
      KAFKA_USAGE_PARTITIONS: '4',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      METERING_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
    };
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await database.drop();
  });

  it('loses nothing and counts nothing twice', async () => {
    await start();
    const admin = new Http(`http://127.0.0.1:${port}`, ADMIN_TOKEN);
    expect((await admin.put('/v1/meters/crash', { defaultQuota: { limit: null } })).status).toBe(200);
    const prefix = env.KAFKA_TOPIC_PREFIX!;
    const messages = Array.from({ length: MESSAGES }, (_, i) =>
      usageMessage({ id: `m-${i}`, subject: `acct-${i % ACCOUNTS}`, meter: 'crash', quantity: 2 }),
    );
    // The backlog builds while the api is down, then the api starts on it and is killed early.
    const stopped = new Promise((done) => child!.once('exit', done));
    child!.kill('SIGTERM');
    await stopped;
    await produce(`${prefix}metering.usage.v1`, messages, { perSend: 10_000 });
    await start();
    await eventually(
      async () =>
        expect(await count("select count(*) as n from tally_events where event_type like 'UsageAccepted.%'")).toBeGreaterThan(50),
      30_000,
    );
    child!.kill('SIGKILL');
    await new Promise((done) => child!.once('exit', done));
    const decidedBeforeCrash = await count("select count(*) as n from tally_events where event_type like 'UsageAccepted.%'");
    expect(MESSAGES - decidedBeforeCrash).toBeGreaterThanOrEqual(50_000);

    const restarted = Date.now();
    await start();
    await eventually(
      async () =>
        expect(await count("select count(*) as n from tally_events where event_type like 'UsageAccepted.%'")).toBe(MESSAGES),
      90_000,
    );
    const drained = Date.now() - restarted;
    expect(await count("select count(distinct data->>'id') as n from tally_events where event_type like 'UsageAccepted.%'")).toBe(
      MESSAGES,
    );
    await eventually(async () => {
      const month = new Date().toISOString().slice(0, 7);
      const lines = (await admin.get(`/v1/billing?month=${month}`)).body as Array<{ units: number }>;
      expect(lines.reduce((sum, l) => sum + l.units, 0)).toBe(MESSAGES * 2);
    }, 30_000);
    // At least once: every decision is on the decisions topic, some possibly twice.
    const decisions = `${prefix}metering.decisions.v1`;
    const { copies, size } = await publishedDecisions(decisions, MESSAGES);
    expect(copies.size).toBe(MESSAGES);
    report('SIGKILL', {
      messages: MESSAGES,
      waitingAtKill: MESSAGES - decidedBeforeCrash,
      drainedAfterRestartMs: drained,
      duplicatesPublished: size - MESSAGES,
    });

    const exited = new Promise((done) => child!.once('exit', done));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 240_000);
});
