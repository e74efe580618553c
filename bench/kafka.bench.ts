import { randomBytes } from 'node:crypto';
import { KafkaUsagePublisher } from '@tally/client';
import { Kafka, logLevel } from 'kafkajs';
import { call, mib, startTallyProcess, waitUntil } from './support';

export interface KafkaResult {
  events: number;
  accounts: number;
  produceMs: number;
  endToEndMs: number;
  /** First produce → the api counted every decision durable (before the relay published them). */
  decidedMs: number | null;
  eventsPerSecond: number;
  readModelLagMs: number;
  /**
   * p99 over the projector's batches of how long their oldest event waited to be projected, as
   * the upper bound of its histogram bucket (`tally_projection_batch_lag_seconds`); null if none.
   */
  readModelLagP99Ms: number | null;
  rssMiB: { api: number; projector: number };
  /** The usage topic, for the raw-consumption baseline over the same messages. */
  usageTopic: string;
}

/**
 * Usage events through Kafka in full mode (`start:api` and `start:projector` on PostgreSQL, as
 * users run them): from the first produce to the last decision on `metering.decisions.v1`, then
 * until the read models show every unit.
 */
export async function runKafkaScenario(
  brokers: string,
  databaseUrl: string,
  events: number,
  accounts: number,
): Promise<KafkaResult> {
  const prefix = `bench${randomBytes(3).toString('hex')}.`;
  // A consumer group of its own: sharing the default one with other deployments on the cluster
  // (test suites, another bench) makes the group rebalance under the measurement.
  const env = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_GROUP_ID: `${prefix}tally-api`,
    KAFKA_USAGE_PARTITIONS: '6',
  };
  const api = await startTallyProcess(env, 'api');
  const projector = await startTallyProcess(env, 'projector');
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'bench', logLevel: logLevel.NOTHING });
  const reader = kafka.consumer({ groupId: `${prefix}reader` });
  try {
    await call(api.url, 'PUT', '/v1/meters/bench', { defaultQuota: { limit: null } });
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
    const usageTopic = `${prefix}metering.usage.v1`;
    const publisher = new KafkaUsagePublisher({
      brokers: brokers.split(','),
      source: 'bench',
      topic: usageTopic,
      batchSize: 1000,
    });
    await publisher.connect();
    const inputs = Array.from({ length: events }, (_, i) => ({ subject: `acct-${i % accounts}`, meter: 'bench', quantity: 1 }));
    const started = Date.now();
    let decidedMs: number | null = null;
    const decisionsCounted = watchDecisions(api.url, events, () => (decidedMs = Date.now() - started));
    await publisher.publish(inputs);
    const produceMs = Date.now() - started;
    await publisher.disconnect();
    await waitUntil(async () => decided >= events, 600_000);
    decisionsCounted.stop();
    const endToEndMs = lastDecisionAt - started;
    const month = new Date().toISOString().slice(0, 7);
    await waitUntil(async () => {
      const lines = (await call(api.url, 'GET', `/v1/billing?month=${month}`)) as Array<{ units: number }>;
      return lines.reduce((sum, l) => sum + l.units, 0) >= events;
    });
    const readModelLagMs = Date.now() - lastDecisionAt;
    return {
      events,
      accounts,
      produceMs,
      endToEndMs,
      decidedMs,
      eventsPerSecond: Math.round(events / (endToEndMs / 1000)),
      readModelLagMs,
      readModelLagP99Ms: bucketQuantile(
        await (await fetch(`${projector.url}/metrics`)).text(),
        'tally_projection_batch_lag_seconds',
        0.99,
      ),
      rssMiB: { api: mib(await api.rssBytes()), projector: mib(await projector.rssBytes()) },
      usageTopic,
    };
  } finally {
    await reader.disconnect();
    await projector.stop();
    await api.stop();
  }
}

/** Polls the api's decision counter (every channel) until it reaches `events`, then calls `done`. */
export function watchDecisions(url: string, events: number, done: () => void): { stop(): void } {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      try {
        const text = await (await fetch(`${url}/metrics`)).text();
        const counted = [...text.matchAll(/^tally_decisions_total\{[^}]*\} (\S+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
        if (counted >= events) {
          done();
          return;
        }
      } catch {
        // the api is busy or stopping: try again
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: () => {
      stopped = true;
    },
  };
}

/** The upper bound (ms) of the histogram bucket holding quantile `q`, from Prometheus text. */
function bucketQuantile(text: string, name: string, q: number): number | null {
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))].map((m) => ({
    le: m[1] === '+Inf' ? Infinity : Number(m[1]),
    count: Number(m[2]),
  }));
  const total = buckets.find((b) => b.le === Infinity)?.count ?? 0;
  if (total === 0) return null;
  const bucket = buckets.find((b) => b.count >= q * total);
  return bucket && Number.isFinite(bucket.le) ? Math.round(bucket.le * 1000) : null;
}
