import { ALERTS_TOPIC, DECISIONS_TOPIC, USAGE_DLQ_TOPIC, USAGE_TOPIC } from '@tally/messages';
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
import type { Config } from '../config';
import type { Logger } from '../logger';
import { chunkByBytes } from './produce-chunks';

// kafkajs stays behind this file: the rest of Tally names its types through these aliases.
export type { Consumer as KafkaConsumer, EachBatchPayload, IHeaders, KafkaMessage, Message as OutgoingMessage } from 'kafkajs';

/** The topics, with the deployment's prefix. */
export interface Topics {
  usage: string;
  decisions: string;
  deadLetters: string;
  alerts: string;
}

/** The topic names of a configuration. */
export function topicsOf(config: Config): Topics {
  const prefix = config.kafka.topicPrefix;
  return {
    usage: `${prefix}${USAGE_TOPIC}`,
    decisions: `${prefix}${DECISIONS_TOPIC}`,
    deadLetters: `${prefix}${USAGE_DLQ_TOPIC}`,
    alerts: `${prefix}${ALERTS_TOPIC}`,
  };
}

/** How far a consumer group is behind one partition's end. */
export interface PartitionLag {
  partition: number;
  lag: number;
}

/**
 * kafkajs' log lines as Tally's (component `kafkajs`), so that error lines mean something needs
 * looking at: INFO at debug, and a broker's error answer to one request at warn. kafkajs' connection
 * logs every error answer at ERROR before its caller sees it, even those its own retries cure (a
 * coordinator still loading on a fresh broker, a leader moving); one it does not cure reaches the
 * caller as an error and is logged there (a consumer's crash, a failed send, a refused start).
 */
export function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const target = logger.child({ component: 'kafkajs', ...extra });
      if (level === logLevel.ERROR && !isErrorAnswer(namespace, message)) target.error(message);
      else if (level === logLevel.ERROR || level === logLevel.WARN) target.warn(message);
      else if (level === logLevel.INFO) target.debug(message);
    };
}

/** A connection's line for a request the broker answered with an error ("Response Metadata(...)"). */
function isErrorAnswer(namespace: string, message: string): boolean {
  return namespace === 'Connection' && message.startsWith('Response ');
}

/**
 * The one owner of the kafkajs client: topic creation, the producer (decisions and dead letters,
 * gzip, acks from all in-sync replicas, requests bounded by bytes), the consumers it hands out (their callers own them) and offsets.
 */
export class KafkaAdapter {
  readonly topics: Topics;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly outboxProducer: Producer;
  private readonly admin: Admin;

  private constructor(
    private readonly config: Config,
    logger: Logger,
  ) {
    this.topics = topicsOf(config);
    this.kafka = new Kafka({
      clientId: config.kafka.clientId,
      brokers: config.kafkaBrokers ?? [],
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(logger),
      connectionTimeout: 5000,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
    });
    // The default partitioner hashes keys as the Java client does, so a subject keeps its partition.
    // One request in flight keeps order per partition; delivery is at least once, callers dedupe.
    this.producer = this.kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    // The relays' own producer: idempotent, so a request retried after a lost answer is neither
    // written twice nor written after the requests behind it (the broker checks each partition's
    // sequence numbers), which lets several requests be in flight, up to the 5 Kafka allows
    // (kafkajs sends one at a time per broker; with several brokers they overlap). It retries
    // without limit (an outage delays relaying; the relay's lock and checkpoint stay as they are).
    this.outboxProducer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
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
      await adapter.outboxProducer.connect();
    } catch (error) {
      await adapter.close().catch(() => undefined);
      throw new Error(`Kafka at ${config.kafkaBrokers?.join(',')} is unreachable: ${(error as Error).message}`);
    }
    return adapter;
  }

  private async ensureTopics(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const partitions = this.config.kafka.usagePartitions;
    const wanted = Object.values(this.topics).filter((t) => !existing.has(t));
    if (wanted.length === 0) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: wanted.map((topic) => ({ topic, numPartitions: partitions })),
    });
  }

  /**
   * Sends messages in order, gzip-compressed, in requests of at most 256 KiB each (far below the
   * broker's 1 MiB limit), and resolves once every in-sync replica has them all.
   */
  async send(topic: string, messages: Message[]): Promise<void> {
    for (const chunk of chunkByBytes(messages)) {
      await this.producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: chunk });
    }
  }

  /**
   * The outbox relays' send: in order per partition, exactly once per request on the broker (an
   * idempotent producer), gzip-compressed, in requests of at most 256 KiB; resolves once every
   * in-sync replica has them all. A relay still republishes after a crash (at least once).
   */
  async publish(topic: string, messages: Message[]): Promise<void> {
    for (const chunk of chunkByBytes(messages)) {
      await this.outboxProducer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: chunk });
    }
  }

  /**
   * A new consumer in the configured group, committing whenever an offset is resolved. The caller
   * owns it (connects, stops and disconnects it: see UsageConsumer); `close` does not touch it.
   */
  createConsumer(): Consumer {
    return this.kafka.consumer({
      groupId: this.config.kafka.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.config.kafka.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(this.config.kafka.sessionTimeoutMs / 3)),
      maxWaitTimeInMs: 1000,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000 },
    });
  }

  /** Per partition of the usage topic: messages between the group's committed offset and the end. */
  async consumerLag(): Promise<PartitionLag[]> {
    const [ends, [committed]] = await Promise.all([
      this.admin.fetchTopicOffsets(this.topics.usage),
      this.admin.fetchOffsets({ groupId: this.config.kafka.groupId, topics: [this.topics.usage] }),
    ]);
    const done = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.map((end) => {
      const at = done.get(end.partition) ?? -1;
      return { partition: end.partition, lag: Number(end.high) - (at >= 0 ? at : Number(end.low)) };
    });
  }

  /** Throws if the cluster does not answer. */
  async ping(): Promise<void> {
    await this.admin.describeCluster();
  }

  /** Disconnects the producer and the admin client; stop the consumers first (their owners do). */
  async close(): Promise<void> {
    await this.producer.disconnect();
    await this.outboxProducer.disconnect();
    await this.admin.disconnect();
  }
}
