import type { Producer, SASLOptions } from 'kafkajs';
import { USAGE_TYPE } from './contract';
import { toCloudEvent, type UsageInput } from './usage-input';

/** Options of {@link KafkaUsagePublisher}; the Kafka client behind it is an implementation detail. */
export interface KafkaUsagePublisherOptions {
  /** `source` of every usage, unless an input names its own. */
  source: string;
  /** Bootstrap brokers, e.g. `['kafka-1:9092']`. */
  brokers: string[];
  /** Default `tally-publisher-{source}`. */
  clientId?: string;
  /** TLS to the brokers. */
  ssl?: boolean;
  /** SASL credentials, when the cluster wants them. */
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** Default `metering.usage.v1`. */
  topic?: string;
  /** Messages per produce request; default 500. */
  batchSize?: number;
}

/**
 * Publishes usage to `metering.usage.v1` as structured CloudEvents keyed by subject (so one
 * subject's usage stays in order on one partition), through an idempotent producer. Needs the
 * optional peer dependency `kafkajs`; a producer that only uses HTTP never loads it.
 */
export class KafkaUsagePublisher {
  private producer: Producer | null = null;
  private readonly topic: string;

  constructor(private readonly options: KafkaUsagePublisherOptions) {
    this.topic = options.topic ?? USAGE_TYPE;
  }

  async connect(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Kafka, Partitioners, logLevel } = require('kafkajs') as typeof import('kafkajs');
    const { source, brokers, clientId, ssl, sasl } = this.options;
    const kafka = new Kafka({
      clientId: clientId ?? `tally-publisher-${source}`,
      brokers,
      ssl,
      sasl: sasl as SASLOptions | undefined,
      logLevel: logLevel.WARN,
    });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
  }

  /** Publishes usage (one or many, in batches) and resolves with the ids, once the broker has them. */
  async publish(inputs: UsageInput | UsageInput[]): Promise<string[]> {
    const producer = this.producer;
    if (!producer) throw new Error('KafkaUsagePublisher: call connect() first');
    const events = (Array.isArray(inputs) ? inputs : [inputs]).map((input) => toCloudEvent(input, this.options.source));
    const size = this.options.batchSize ?? 500;
    for (let i = 0; i < events.length; i += size) {
      await producer.send({
        topic: this.topic,
        acks: -1,
        messages: events.slice(i, i + size).map((event) => ({
          key: event.subject,
          value: JSON.stringify(event),
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      });
    }
    return events.map((e) => e.id);
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = null;
  }
}
