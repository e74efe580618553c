import { loadConfig, topicsOf } from '@tally/runtime';
import { describeIf, eventually, infra } from '../infra/infra';
import { startTally, type RunningTally } from '../support/tally';
import { consumeUntil, produce, topicPrefix, usageMessage } from './kafka-helpers';

const MESSAGES = 1200;
const ACCOUNTS = 24;

describeIf(infra.kafkaBrokers && infra.postgresUrl, 'two api instances in one consumer group', () => {
  let first: RunningTally;
  let second: RunningTally;
  let prefix: string;
  beforeAll(async () => {
    prefix = topicPrefix();
    first = await startTally('postgres', { kafka: { topicPrefix: prefix } });
    // The second instance shares the database and the group, but leaves projecting to the first.
    second = await startTally('postgres', { location: first.location, kafka: { topicPrefix: prefix }, project: false });
  }, 60_000);
  afterAll(async () => {
    await second.stop();
    await first.destroy();
  });

  it('share the partitions and decide every message exactly once, within every limit', async () => {
    const topics = topicsOf(loadConfig({ KAFKA_TOPIC_PREFIX: prefix }));
    await first.admin.put('/v1/meters/scale', { defaultQuota: { limit: 40 } });
    const messages = Array.from({ length: MESSAGES }, (_, i) =>
      usageMessage({ id: `s-${i}`, subject: `acct-${i % ACCOUNTS}`, meter: 'scale', quantity: 1 }),
    );
    await produce(topics.usage, messages);

    const decisions = new Map<string, { decision: string }>();
    await consumeUntil(
      topics.decisions,
      (seen) => {
        const decision = JSON.parse(seen[seen.length - 1].value!.toString());
        return decisions.set(decision.id, decision).size >= MESSAGES;
      },
      90_000,
    );
    expect(decisions.size).toBe(MESSAGES);
    // 50 requests of 1 unit per account against a limit of 40: exactly 40 accepted for each.
    const accepted = [...decisions.values()].filter((d) => d.decision === 'accepted');
    expect(accepted).toHaveLength(ACCOUNTS * 40);

    const kafkaDecisions = async (tally: RunningTally) => {
      const text = (await tally.admin.as(null).get('/metrics')).text;
      return [...text.matchAll(/^tally_decisions_total\{[^}]*channel="kafka"[^}]*\} (\d+)/gm)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    };
    const [a, b] = [await kafkaDecisions(first), await kafkaDecisions(second)];
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a + b).toBe(MESSAGES);

    await eventually(async () => {
      const month = new Date().toISOString().slice(0, 7);
      const lines = (await first.admin.get(`/v1/billing?month=${month}`)).body as Array<{ meter: string; units: number }>;
      expect(lines.filter((l) => l.meter === 'scale').reduce((sum, l) => sum + l.units, 0)).toBe(ACCOUNTS * 40);
    }, 30_000);
  }, 120_000);
});
