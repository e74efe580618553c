import { createTestDatabase, describeIf, eventually, infra } from '../infra/infra';
import { apiProcess, errorLines, type ApiProcess } from '../support/api-process';
import { freePort } from '../support/dedicated';
import { build, publishedDecisions, report, storedDecisions } from './fault-support';
import { committedToEnd, produce, topicPrefix, usageMessage } from './kafka-helpers';

const MESSAGES = 100_000;

/** Sum of the consumer lag gauges over the partitions. */
function lagOf(metrics: string): number {
  return [...metrics.matchAll(/^tally_kafka_consumer_lag\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}
const SUBJECTS = 100;

describeIf(infra.kafkaBrokers && infra.postgresUrl, 'a backlog of 100,000 usage messages waiting for the api', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: ApiProcess;
  const prefix = topicPrefix();
  const group = `${prefix}group`;

  beforeAll(async () => {
    build();
    database = await createTestDatabase();
    api = apiProcess({
      PORT: String(await freePort()),
      DATABASE_URL: database.url,
      KAFKA_BROKERS: infra.kafkaBrokers!,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: group,
      KAFKA_USAGE_PARTITIONS: '6',
      LOG_LEVEL: 'warn',
    });
  }, 60_000);
  afterAll(async () => {
    await api.kill('SIGKILL');
    await database.drop();
  });

  it('decides every message exactly once, publishes every decision, and commits to the ends', async () => {
    // A first start creates the topics and the meter; the backlog then builds while no api runs.
    await api.start();
    expect((await api.admin.put('/v1/meters/backlog', { defaultQuota: { limit: null } })).status).toBe(200);
    expect(await api.kill('SIGTERM')).toBe(0);
    const messages = Array.from({ length: MESSAGES }, (_, i) =>
      usageMessage({ id: `b-${i}`, subject: `subject-${i % SUBJECTS}`, meter: 'backlog', quantity: 1 }),
    );
    const producing = Date.now();
    await produce(`${prefix}metering.usage.v1`, messages, { perSend: 10_000 });
    const produced = Date.now() - producing;

    const started = Date.now();
    await api.start();
    // /metrics reports the backlog as consumer lag from the broker's end offsets, then none.
    let mostLag = 0;
    const watching = setInterval(async () => {
      mostLag = Math.max(
        mostLag,
        lagOf(
          await api.admin.get('/metrics').then(
            (r) => r.text,
            () => '',
          ),
        ),
      );
    }, 1000);
    await eventually(async () => expect((await storedDecisions(database.url)).events).toBe(MESSAGES), 100_000).finally(() =>
      clearInterval(watching),
    );
    const decided = Date.now() - started;
    const decisions = `${prefix}metering.decisions.v1`;
    const { copies, size: total } = await publishedDecisions(decisions, MESSAGES);
    const published = Date.now() - started;

    expect(await storedDecisions(database.url)).toEqual({ events: MESSAGES, distinct: MESSAGES });
    expect(copies.size).toBe(MESSAGES);
    expect(messages.every((_, i) => copies.has(`b-${i}`))).toBe(true);
    await eventually(async () => expect(await committedToEnd(`${prefix}metering.usage.v1`, group)).toBe(true), 15_000);
    expect(mostLag).toBeGreaterThan(0);
    await eventually(async () => {
      const text = (await api.admin.get('/metrics')).text;
      expect(text.match(/^tally_kafka_consumer_lag\{/gm)).toHaveLength(6);
      expect(lagOf(text)).toBe(0);
      expect(text).toMatch(/^tally_relay_lag_events 0$/m);
    }, 15_000);
    expect(errorLines(api.logs)).toEqual([]);
    expect(api.logs.join('\n')).not.toMatch(/larger than the max message size|KafkaJSNonRetriableError/);
    report('backlog', {
      messages: MESSAGES,
      subjects: SUBJECTS,
      producedMs: produced,
      drainedMs: decided,
      publishedMs: published,
      duplicatesPublished: total - MESSAGES,
      mostConsumerLagSeen: mostLag,
    });
  }, 180_000);
});
