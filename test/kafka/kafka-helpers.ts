import { randomBytes } from 'node:crypto';
import { Kafka, Partitioners, logLevel, type IHeaders, type Message } from 'kafkajs';
import { infra } from '../infra/infra';

/** A unique topic prefix per suite, so suites sharing the broker never see each other's messages. */
export const topicPrefix = () => `t${randomBytes(4).toString('hex')}.`;

export function kafkaClient(): Kafka {
  return new Kafka({ brokers: (infra.kafkaBrokers ?? '').split(','), clientId: 'tally-test', logLevel: logLevel.NOTHING });
}

/** Produces messages (acks from all replicas) and disconnects. */
export async function produce(topic: string, messages: Message[]): Promise<void> {
  const producer = kafkaClient().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
    }
  } finally {
    await producer.disconnect();
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
