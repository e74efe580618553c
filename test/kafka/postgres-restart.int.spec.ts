import { describeIf, eventually, infra } from '../infra/infra';
import { apiProcess, type ApiProcess } from '../support/api-process';
import { dedicatedPostgres, freePort, missingForPostgres, requireOrSkip, type DedicatedPostgres } from '../support/dedicated';
import { build, publishedDecisions, report, storedDecisions } from './fault-support';
import { committedToEnd, produce, topicPrefix, usageMessage } from './kafka-helpers';

const MESSAGES = 30_000;
const SUBJECTS = 50;
const DOWN_MS = 5000;

const runs = !!infra.kafkaBrokers && requireOrSkip('PostgreSQL restart suite', missingForPostgres());

describeIf(runs, 'PostgreSQL restarted mid-stream (a cluster of its own)', () => {
  let pg: DedicatedPostgres;
  let api: ApiProcess;
  const prefix = topicPrefix();
  const group = `${prefix}group`;

  beforeAll(async () => {
    build();
    pg = await dedicatedPostgres();
    api = apiProcess({
      PORT: String(await freePort()),
      DATABASE_URL: pg.url,
      KAFKA_BROKERS: infra.kafkaBrokers!,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: group,
      KAFKA_USAGE_PARTITIONS: '4',
      LOG_LEVEL: 'warn',
    });
    await api.start();
  }, 120_000);
  afterEach(() => {
    // If the api died, its last words are the diagnosis.
    if (api && ![null, 0].includes(api.child().exitCode))
      console.log(`[api exited ${api?.child().exitCode}]\n${api?.logs.slice(-40).join('\n')}`);
  });
  afterAll(async () => {
    await api?.kill('SIGKILL');
    await pg?.destroy();
  });

  it('decides every message once and publishes every decision, recovering by itself', async () => {
    await api.admin.put('/v1/meters/pg', { defaultQuota: { limit: null } });
    const pid = api.child().pid;
    const producing = produce(
      `${prefix}metering.usage.v1`,
      Array.from({ length: MESSAGES }, (_, i) =>
        usageMessage({ id: `p-${i}`, subject: `s-${i % SUBJECTS}`, meter: 'pg', quantity: 1 }),
      ),
      { perSend: 1000 },
    );
    await eventually(async () => expect((await storedDecisions(pg.url)).events).toBeGreaterThan(2000), 30_000);
    const decidedBefore = (await storedDecisions(pg.url)).events;
    await pg.stop();
    const stopped = Date.now();
    await eventually(async () => expect((await fetch(`${api.url}/readyz`)).status).toBe(503), 10_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, DOWN_MS - (Date.now() - stopped))));
    await pg.start();
    const restarted = Date.now();
    await producing;

    await eventually(async () => expect(await storedDecisions(pg.url)).toEqual({ events: MESSAGES, distinct: MESSAGES }), 90_000);
    const drained = Date.now() - restarted;
    const decisions = `${prefix}metering.decisions.v1`;
    const { copies, size } = await publishedDecisions(decisions, MESSAGES);
    expect(copies.size).toBe(MESSAGES);
    await eventually(async () => expect(await committedToEnd(`${prefix}metering.usage.v1`, group)).toBe(true));
    await api.ready(30_000);
    expect(api.child().pid).toBe(pid);
    expect(api.child().exitCode).toBeNull();
    report('PostgreSQL restart', {
      messages: MESSAGES,
      decidedBeforeStop: decidedBefore,
      downMs: DOWN_MS,
      drainedAfterRestartMs: drained,
      duplicatesPublished: size - MESSAGES,
    });
    expect(await api.kill('SIGTERM')).toBe(0);
  }, 200_000);
});
