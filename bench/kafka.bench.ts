import { randomBytes } from 'node:crypto';
import { KafkaUsagePublisher } from '@tally/client';
import { Kafka, logLevel } from 'kafkajs';
import { call, mib, startTallyProcess, waitUntil } from './support';

export interface KafkaResult {
  events: number;
  accounts: number;
  produceMs: number;
  endToEndMs: number;
  eventsPerSecond: number;
  readModelCatchUpMs: number;
  rss: string;
}

/**
 * 20,000 usage events over 50 accounts through Kafka: from the first produce to the last
 * decision on `metering.decisions.v1`, with the api deciding on PostgreSQL.
 */
export async function runKafkaScenario(
  brokers: string,
  databaseUrl: string,
  events = 20_000,
  accounts = 50,
): Promise<KafkaResult> {
  const prefix = `bench${randomBytes(3).toString('hex')}.`;
  const tally = await startTallyProcess({
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_USAGE_PARTITIONS: '6',
  });
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'bench', logLevel: logLevel.NOTHING });
  const reader = kafka.consumer({ groupId: `${prefix}reader` });
  try {
    await call(tally.url, 'PUT', '/v1/meters/bench', { defaultQuota: { limit: null } });
    let decided = 0;
    let lastDecisionAt = 0;
    await reader.connect();
    await reader.subscribe({ topics: [`${prefix}metering.decisions.v1`], fromBeginning: true });
    await reader.run({
      eachBatch: async ({ batch }) => {
        decided += batch.messages.length;
        lastDecisionAt = Date.now();
      },
    });
    const publisher = new KafkaUsagePublisher({
      brokers: brokers.split(','),
      source: 'bench',
      topic: `${prefix}metering.usage.v1`,
      batchSize: 1000,
    });
    await publisher.connect();
    const inputs = Array.from({ length: events }, (_, i) => ({ subject: `acct-${i % accounts}`, meter: 'bench', quantity: 1 }));
    const started = Date.now();
    await publisher.publish(inputs);
    const produceMs = Date.now() - started;
    await publisher.disconnect();
    await waitUntil(async () => decided >= events, 300_000);
    const endToEndMs = lastDecisionAt - started;
    const month = new Date().toISOString().slice(0, 7);
    const caughtUp = await waitUntil(async () => {
      const lines = (await call(tally.url, 'GET', `/v1/billing?month=${month}`)) as Array<{ units: number }>;
      return lines.reduce((sum, l) => sum + l.units, 0) >= events;
    });
    return {
      events,
      accounts,
      produceMs,
      endToEndMs,
      eventsPerSecond: Math.round(events / (endToEndMs / 1000)),
      readModelCatchUpMs: Math.max(0, lastDecisionAt + caughtUp - lastDecisionAt),
      rss: mib(await tally.rssBytes()),
    };
  } finally {
    await reader.disconnect();
    await tally.stop();
  }
}
