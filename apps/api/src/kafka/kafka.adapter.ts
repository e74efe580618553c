import { DECISIONS_TOPIC, USAGE_DLQ_TOPIC, USAGE_TOPIC, type DecisionMessage } from '@tally/events';
import type { Config, Logger } from '@tally/runtime';
import {
  CompressionTypes,
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type LogEntry,
  type Message,
  type Producer,
} from 'kafkajs';
import type { DecisionPublisher } from '../runtime/decision-publisher';

/** The three topics, with the deployment's prefix. */
export interface Topics {
  usage: string;
  decisions: string;
  deadLetters: string;
}

export function topicsOf(config: Config): Topics {
  const prefix = config.kafka.topicPrefix;
  return {
    usage: `${prefix}${USAGE_TOPIC}`,
    decisions: `${prefix}${DECISIONS_TOPIC}`,
    deadLetters: `${prefix}${USAGE_DLQ_TOPIC}`,
  };
}

/** kafkajs logs through the process logger, at warn and above unless debugging. */
function logCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const target = logger.child({ component: 'kafkajs', ...extra });
      if (level === logLevel.ERROR) target.error(message);
      else if (level === logLevel.WARN) target.warn(message);
      else if (level === logLevel.INFO) target.debug(message);
    };
}

/**
 * The one owner of the kafkajs client: topic creation, the idempotent producer (decisions and
 * dead letters, acks from all in-sync replicas) and the usage consumer.
 */
export class KafkaAdapter {
  readonly topics: Topics;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private consumer: Consumer | null = null;

  private constructor(
    private readonly config: Config,
    logger: Logger,
  ) {
    this.topics = topicsOf(config);
    this.kafka = new Kafka({
      clientId: config.kafka.clientId,
      brokers: config.kafkaBrokers ?? [],
      logLevel: logLevel.INFO,
      logCreator: logCreator(logger),
      connectionTimeout: 5000,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
    });
    // The default partitioner hashes keys as the Java client does, so a subject keeps its partition.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
  }

  /** Connects, creates missing topics, and fails fast (with the reason) if the brokers are unreachable. */
  static async connect(config: Config, logger: Logger): Promise<KafkaAdapter> {
    const adapter = new KafkaAdapter(config, logger);
    try {
      await adapter.admin.connect();
      await adapter.ensureTopics();
      await adapter.producer.connect();
    } catch (error) {
      await adapter.close().catch(() => undefined);
      throw new Error(`Kafka at ${config.kafkaBrokers?.join(',')} is unreachable: ${(error as Error).message}`);
    }
    return adapter;
  }

  private async ensureTopics(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const partitions = this.config.kafka.usagePartitions;
    const wanted = [this.topics.usage, this.topics.decisions, this.topics.deadLetters].filter((t) => !existing.has(t));
    if (wanted.length === 0) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: wanted.map((topic) => ({ topic, numPartitions: partitions })),
    });
  }

  /** Sends messages and resolves once every in-sync replica has them. */
  async send(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
  }

  /** Publishes decisions keyed by subject on the decisions topic. */
  readonly publisher: DecisionPublisher = {
    publish: (decisions: DecisionMessage[]) =>
      this.send(
        this.topics.decisions,
        decisions.map((d) => ({ key: d.subject, value: JSON.stringify(d), headers: { 'content-type': 'application/json' } })),
      ),
  };

  /** A consumer in the configured group; this adapter disconnects it on close. */
  createConsumer(): Consumer {
    this.consumer = this.kafka.consumer({
      groupId: this.config.kafka.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.config.kafka.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(this.config.kafka.sessionTimeoutMs / 3)),
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000 },
    });
    return this.consumer;
  }

  /** Throws if the cluster does not answer. */
  async ping(): Promise<void> {
    await this.admin.describeCluster();
  }

  /** Stops consuming first (finishing the batch in hand and committing), then the producer. */
  async close(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
