import { USAGE_TOPIC } from '@tally/events';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { toCloudEvent, type UsageInput } from './usage-input';

/** Options of {@link KafkaUsagePublisher}. */
export interface KafkaUsagePublisherOptions {
  /** `source` of every usage, unless an input names its own. */
  source: string;
  /** Brokers, when the publisher should make its own kafkajs client. */
  brokers?: string[];
  /** Or an existing kafkajs client to share. */
  kafka?: Kafka;
  topic?: string;
  /** Messages per produce request. */
  batchSize?: number;
}

/**
 * Publishes usage to `metering.usage.v1` as structured CloudEvents keyed by subject (so one
 * subject's usage stays in order on one partition), through an idempotent producer.
 */
export class KafkaUsagePublisher {
  private readonly producer: Producer;
  private readonly topic: string;

  constructor(private readonly options: KafkaUsagePublisherOptions) {
    const kafka =
      options.kafka ??
      new Kafka({ clientId: `tally-publisher-${options.source}`, brokers: options.brokers ?? [], logLevel: logLevel.WARN });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.topic = options.topic ?? USAGE_TOPIC;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Publishes usage (one or many, in batches) and resolves with the ids, once the broker has them. */
  async publish(inputs: UsageInput | UsageInput[]): Promise<string[]> {
    const events = (Array.isArray(inputs) ? inputs : [inputs]).map((input) => toCloudEvent(input, this.options.source));
    const size = this.options.batchSize ?? 500;
    for (let i = 0; i < events.length; i += size) {
      await this.producer.send({
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

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
