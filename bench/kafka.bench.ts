import { randomBytes } from 'node:crypto';
import { KafkaUsagePublisher } from '@tally/client';
import { Kafka, logLevel } from 'kafkajs';
import { call, mib, startTallyProcess, waitUntil } from './support';

/** Partitions of the usage topic (and so of the decisions topic) the scenario's deployment creates. */
export const USAGE_PARTITIONS = 6;

export interface KafkaResult {
  events: number;
  accounts: number;
  /** api instances in the consumer group, and the version conflicts they counted together. */
  instances: number;
  versionConflicts: number;
  produceMs: number;
  /**
   * CPU seconds (user + system) the bench's own process spent while it published the usages (its
   * decisions reader and metrics polling, running meanwhile, included): the publisher shares the
   * machine with what is measured, so its cost is shown beside it.
   */
  publisherCpuSeconds: number;
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
  /** What the first api's RSS holds at the end: V8 heap in use, and memory outside it (Buffers). */
  apiMemoryMiB: { heapUsed: number; external: number; largeObjects: number };
  /**
   * CPU seconds (user + system) the api instances (together) and the projector spent from the
   * first produce to the last decision published: what the pipeline costs, whatever else the
   * machine is running (wall-clock figures are not, on a shared machine).
   */
  cpuSeconds: { api: number; projector: number; projectorCaughtUp?: number };
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
  /** Subjects pooled into each account (mapped with PUT /v1/subjects), and api instances in the group. */
  shape: { subjectsPerAccount?: number; instances?: number } = {},
): Promise<KafkaResult> {
  const pooled = shape.subjectsPerAccount ?? 1;
  const instances = shape.instances ?? 1;
  const prefix = `bench${randomBytes(3).toString('hex')}.`;
  // A consumer group of its own: sharing the default one with other deployments on the cluster
  // (test suites, another bench) makes the group rebalance under the measurement.
  const env = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_GROUP_ID: `${prefix}tally-api`,
    KAFKA_USAGE_PARTITIONS: String(USAGE_PARTITIONS),
  };
  const api = await startTallyProcess(env, 'api');
  const projector = await startTallyProcess(env, 'projector');
  const others = [];
  for (let i = 1; i < instances; i++) others.push(await startTallyProcess(env, 'api'));
  const apis = [api, ...others];
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'bench', logLevel: logLevel.NOTHING });
  const reader = kafka.consumer({ groupId: `${prefix}reader` });
  try {
    await call(api.url, 'PUT', '/v1/meters/bench', { defaultQuota: { limit: null } });
    const subjectOf = (i: number) =>
      pooled === 1 ? `acct-${i % accounts}` : `s-${i % accounts}-${Math.floor(i / accounts) % pooled}`;
    if (pooled > 1) {
      for (let a = 0; a < accounts; a++) {
        for (let k = 0; k < pooled; k++) await call(api.url, 'PUT', `/v1/subjects/s-${a}-${k}`, { account: `acct-${a}` });
      }
    }
    // The group settles after the last instance joined (a rebalance), before the clock starts.
    if (instances > 1) await new Promise((resolve) => setTimeout(resolve, 5000));
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
    const inputs = Array.from({ length: events }, (_, i) => ({ subject: subjectOf(i), meter: 'bench', quantity: 1 }));
    const cpu = async () => {
      let api = 0;
      for (const a of apis) api += (await a.metric('process_cpu_seconds_total')) ?? 0;
      return { api, projector: (await projector.metric('process_cpu_seconds_total')) ?? 0 };
    };
    const cpuBefore = await cpu();
    const started = Date.now();
    let decidedMs: number | null = null;
    const decisionsCounted = watchDecisions(
      apis.map((a) => a.url),
      events,
      () => (decidedMs = Date.now() - started),
    );
    const publishing = process.cpuUsage();
    await publisher.publish(inputs);
    const produceMs = Date.now() - started;
    const published = process.cpuUsage(publishing);
    const publisherCpuSeconds = Math.round((published.user + published.system) / 1e5) / 10;
    await publisher.disconnect();
    await waitUntil(async () => decided >= events, 600_000);
    decisionsCounted.stop();
    const cpuAfter = await cpu();
    const cpuSeconds: KafkaResult['cpuSeconds'] = {
      api: Math.round((cpuAfter.api - cpuBefore.api) * 10) / 10,
      projector: Math.round((cpuAfter.projector - cpuBefore.projector) * 10) / 10,
    };
    const endToEndMs = lastDecisionAt - started;
    const month = new Date().toISOString().slice(0, 7);
    await waitUntil(async () => {
      const lines = (await call(api.url, 'GET', `/v1/billing?month=${month}`)) as Array<{ units: number }>;
      return lines.reduce((sum, l) => sum + l.units, 0) >= events;
    });
    const readModelLagMs = Date.now() - lastDecisionAt;
    // The projector's work does not end with the last decision: its CPU until the read models caught up.
    cpuSeconds.projectorCaughtUp = Math.round(((await cpu()).projector - cpuBefore.projector) * 10) / 10;
    let versionConflicts = 0;
    for (const a of apis) versionConflicts += (await a.metric('tally_version_conflicts_total')) ?? 0;
    return {
      events,
      accounts,
      instances,
      versionConflicts,
      produceMs,
      publisherCpuSeconds,
      endToEndMs,
      decidedMs,
      eventsPerSecond: Math.round(events / (endToEndMs / 1000)),
      readModelLagMs,
      readModelLagP99Ms: bucketQuantile(
        await (await fetch(`${projector.url}/metrics`)).text(),
        'tally_projection_batch_lag_seconds',
        0.99,
      ),
      // With several instances, the largest one's: the bound holds for every process.
      rssMiB: {
        api: mib(Math.max(...(await Promise.all(apis.map((a) => a.rssBytes()))))),
        projector: mib(await projector.rssBytes()),
      },
      apiMemoryMiB: {
        heapUsed: mib((await api.metric('nodejs_heap_size_used_bytes')) ?? 0),
        external: mib((await api.metric('nodejs_external_memory_bytes')) ?? 0),
        largeObjects: mib((await api.metric('nodejs_heap_space_size_used_bytes{space="large_object"}')) ?? 0),
      },
      cpuSeconds,
      usageTopic,
    };
  } finally {
    await reader.disconnect();
    await projector.stop();
    for (const a of apis) await a.stop();
  }
}

/** Polls the apis' decision counters (every channel, summed) until it reaches `events`, then calls `done`. */
export function watchDecisions(urls: string[], events: number, done: () => void): { stop(): void } {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      try {
        const text = (await Promise.all(urls.map(async (url) => (await fetch(`${url}/metrics`)).text()))).join('\n');
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
