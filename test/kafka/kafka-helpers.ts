import { randomBytes } from 'node:crypto';
import { CompressionTypes, Kafka, Partitioners, logLevel, type IHeaders, type Message } from 'kafkajs';
import { loadConfig, topicsOf } from '@tally/runtime';
import { infra } from '../infra/infra';
import { startTally, type Backend, type RunningTally } from '../support/tally';

/** A unique topic prefix per suite, so suites sharing the broker never see each other's messages. */
export const topicPrefix = () => `t${randomBytes(4).toString('hex')}.`;

export function kafkaClient(brokers = infra.kafkaBrokers ?? ''): Kafka {
  return new Kafka({ brokers: brokers.split(','), clientId: 'tally-test', logLevel: logLevel.NOTHING });
}

/** Produces messages (acks from all replicas) and disconnects; big backlogs go in big gzip sends. */
export async function produce(
  topic: string,
  messages: Message[],
  options: { brokers?: string; perSend?: number } = {},
): Promise<void> {
  const perSend = options.perSend ?? 500;
  const producer = kafkaClient(options.brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += perSend) {
      const compression = perSend > 500 ? CompressionTypes.GZIP : CompressionTypes.None;
      await producer.send({ topic, acks: -1, compression, messages: messages.slice(i, i + perSend) });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Reads a topic from the beginning, counting copies per key of `idOf`, until `until` holds or
 * `timeoutMs` passes (then throws). Batch at a time, for topics of 100,000 messages.
 */
export async function countCopies(
  topic: string,
  idOf: (value: Buffer) => string,
  until: (copies: Map<string, number>) => boolean,
  options: { brokers?: string; timeoutMs?: number } = {},
): Promise<Map<string, number>> {
  const consumer = kafkaClient(options.brokers).consumer({ groupId: `reader-${randomBytes(6).toString('hex')}` });
  const copies = new Map<string, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out reading ${topic}: ${copies.size} distinct`)),
        options.timeoutMs ?? 60_000,
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              const id = idOf(message.value!);
              copies.set(id, (copies.get(id) ?? 0) + 1);
            }
            if (until(copies)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return copies;
  } finally {
    await consumer.disconnect();
  }
}

/** Waits until the group has committed every partition of `topic` up to its end. */
export async function committedToEnd(topic: string, groupId: string, brokers?: string): Promise<boolean> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const at = new Map(committed.partitions.map((p) => [p.partition, p.offset]));
    return ends.every((end) => end.high === '0' || at.get(end.partition) === end.high);
  } finally {
    await admin.disconnect();
  }
}

export interface Received {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  partition: number;
}

/** Reads a topic from the beginning until `until` holds for what was read, or throws after `timeoutMs`. */
export async function consumeUntil(topic: string, until: (seen: Received[]) => boolean, timeoutMs = 30_000): Promise<Received[]> {
  const consumer = kafkaClient().consumer({ groupId: `reader-${randomBytes(6).toString('hex')}` });
  const seen: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}: ${seen.length} messages`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            seen.push({ key: message.key?.toString() ?? null, value: message.value, headers: text(message.headers), partition });
            if (until(seen)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

function text(headers: IHeaders = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]));
}

/** A structured-mode CloudEvent message, keyed by subject. */
export function usageMessage(fields: { id: string; subject: string; meter: string; quantity: number; source?: string }): Message {
  return {
    key: fields.subject,
    value: JSON.stringify({
      specversion: '1.0',
      id: fields.id,
      source: fields.source ?? 'kafka-test',
      type: 'metering.usage.v1',
      subject: fields.subject,
      data: { meter: fields.meter, quantity: fields.quantity },
    }),
    headers: { 'content-type': 'application/cloudevents+json' },
  };
}

/** The names of a Tally's topics. */
export type KafkaTopics = ReturnType<typeof topicsOf>;

/** A Tally deciding from (and publishing to) topics of a fresh prefix, with that prefix and those topics' names. */
export async function startTallyOnKafka(backend: Backend): Promise<{ tally: RunningTally; topics: KafkaTopics; prefix: string }> {
  const prefix = topicPrefix();
  return {
    tally: await startTally(backend, { kafka: { topicPrefix: prefix } }),
    topics: topicsOf(loadConfig({ KAFKA_TOPIC_PREFIX: prefix })),
    prefix,
  };
}

/**
 * A Tally on Kafka ({@link startTallyOnKafka}), started before the describe block's tests and
 * destroyed after them; read it inside tests.
 */
export function tallyOnKafka(backend: Backend): { tally: RunningTally; topics: KafkaTopics; prefix: string } {
  const suite = {} as { tally: RunningTally; topics: KafkaTopics; prefix: string };
  beforeAll(async () => {
    Object.assign(suite, await startTallyOnKafka(backend));
  }, 60_000);
  afterAll(() => suite.tally.destroy());
  return suite;
}
