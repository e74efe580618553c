// First: it replaces a kafkajs module that kafkajs's producer takes when kafkajs loads.
import './partition-grouping';
import { ALERTS_TOPIC, DECISIONS_TOPIC, USAGE_DLQ_TOPIC, USAGE_TOPIC } from '@tally/messages';
import {
  AssignerProtocol,
  CompressionCodecs,
  CompressionTypes,
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Cluster,
  type Consumer,
  type LogEntry,
  type PartitionAssigner,
  type ICustomPartitioner,
  type PartitionMetadata,
  type Producer,
} from 'kafkajs';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { GZIP_IN_ONE_PASS } from './gzip-codec';
import { chunkByBytes } from './produce-chunks';
import { installRecordEncoder } from './record-encoder';

// Every gzip batch this process produces is compressed in one call (see GZIP_IN_ONE_PASS).
CompressionCodecs[CompressionTypes.GZIP] = () => GZIP_IN_ONE_PASS;
// Every record this process produces is encoded into one buffer of its size (see recordEncoder).
installRecordEncoder();

// kafkajs stays behind this file: the rest of Tally uses these types, never kafkajs's.

/** Header values as the client reads and writes them. */
export type MessageHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/**
 * Header values of a consumed message: as {@link MessageHeaders}, and null for a header that
 * has no value (Kafka allows one; a Java or librdkafka producer can send it; kafkajs reads it as
 * null but cannot produce it, see {@link producibleHeaders}).
 */
export type ConsumedHeaders = Record<string, Buffer | string | null | (Buffer | string | null)[] | undefined>;

/** A consumed message. */
export interface InboundMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: ConsumedHeaders;
  offset: string;
}

/**
 * A consumed message's headers as they can be produced again (a dead letter, a repartitioned
 * usage): those without a value left out, which kafkajs cannot encode (it would throw on every
 * send of that message, and the partition would wait behind it). The same object when none is.
 */
export function producibleHeaders(headers: ConsumedHeaders | undefined): MessageHeaders | undefined {
  if (headers === undefined) return undefined;
  let valueless = false;
  for (const name in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, name)) continue;
    const raw = headers[name];
    if (raw === null || (Array.isArray(raw) && raw.includes(null))) {
      valueless = true;
      break;
    }
  }
  if (!valueless) return headers as MessageHeaders;
  const producible: MessageHeaders = {};
  for (const name of Object.keys(headers)) {
    const raw = headers[name];
    if (raw === null) continue;
    if (!Array.isArray(raw)) producible[name] = raw;
    else {
      const values = raw.filter((v): v is Buffer | string => v !== null);
      if (values.length > 0) producible[name] = values;
    }
  }
  return producible;
}

/** A message to send; `partition` overrides the key's partition. */
export interface OutgoingMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: MessageHeaders;
  partition?: number;
}

/** One partition's batch as a consumer's handler gets it, with the calls that move its offsets. */
export interface ConsumedBatch {
  batch: { topic: string; partition: number; messages: InboundMessage[] };
  /** Marks everything up to `offset` as done (committed by the next commit). */
  resolveOffset(offset: string): void;
  commitOffsetsIfNecessary(): Promise<void>;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  /** The partition was taken away by a rebalance. */
  isStale(): boolean;
}

/** What a group consumer's owner starts, stops and watches. */
export interface GroupConsumer {
  readonly events: Record<'GROUP_JOIN' | 'FETCH' | 'FETCH_START' | 'CRASH' | 'STOP' | 'DISCONNECT', string>;
  /** Instrumentation events; only a crash's payload (`error`, whether kafkajs restarts) is read. */
  on(event: string, listener: (event: { payload: { error?: Error; restart?: boolean } }) => void): unknown;
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[]; fromBeginning: boolean }): Promise<void>;
  run(options: {
    eachBatchAutoResolve: boolean;
    autoCommit: boolean;
    autoCommitThreshold: number;
    partitionsConsumedConcurrently: number;
    eachBatch(batch: ConsumedBatch): Promise<void>;
  }): Promise<void>;
  disconnect(): Promise<void>;
}

/** The topics, with the deployment's prefix. */
export interface Topics {
  usage: string;
  /**
   * Tally's internal repartition topic: usage re-keyed by account, so that one consumer owns
   * each account (see docs/kafka.md). Co-partitioned with `usage`.
   */
  usageByAccount: string;
  decisions: string;
  deadLetters: string;
  alerts: string;
}

/** The topic names of a configuration. */
export function topicsOf(config: Config): Topics {
  const prefix = config.kafka.topicPrefix;
  return {
    usage: `${prefix}${USAGE_TOPIC}`,
    usageByAccount: `${prefix}${USAGE_TOPIC}.by-account`,
    decisions: `${prefix}${DECISIONS_TOPIC}`,
    deadLetters: `${prefix}${USAGE_DLQ_TOPIC}`,
    alerts: `${prefix}${ALERTS_TOPIC}`,
  };
}

/** Name of the co-partitioning assignor the usage consumers use. */
export const CO_PARTITIONED_ASSIGNER = 'TallyCoPartitioned';

/**
 * Assigns partition i of every subscribed topic to the same member (partitions dealt round-robin
 * over the members sorted by id), as Kafka Streams assigns a task's co-partitioned inputs: the
 * member that owns usage partition i also owns repartition partition i, and so every account
 * whose key hashes to i.
 */
export function coPartitionedAssigner({ cluster }: { cluster: Cluster }) {
  return {
    name: CO_PARTITIONED_ASSIGNER,
    version: 1,
    async assign({ members, topics }: { members: Array<{ memberId: string }>; topics: string[] }) {
      const sorted = members.map((m) => m.memberId).sort();
      const partitionsOf = new Map(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId)]));
      const assignment = new Map<string, Record<string, number[]>>(sorted.map((m) => [m, {}]));
      for (const [topic, partitions] of partitionsOf) {
        for (const partition of partitions) {
          const owner = assignment.get(sorted[partition % sorted.length]) as Record<string, number[]>;
          (owner[topic] ??= []).push(partition);
        }
      }
      return sorted.map((memberId) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: assignment.get(memberId) as Record<string, number[]>,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }: { topics: string[] }) {
      return {
        name: CO_PARTITIONED_ASSIGNER,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
      };
    },
  };
}

// The partition the default partitioner (Java's murmur2, as kafkajs's DefaultPartitioner) gives a key.
const keyPartitioner = Partitioners.DefaultPartitioner();

/** Keys whose usage partition {@link KafkaAdapter.partitionOf} remembers (the oldest forgotten first): hashing one is most of routing it. */
const PARTITIONS_REMEMBERED = 10_000;

/**
 * kafkajs's default partitioner, remembering the partition of each string key per topic and
 * partition count (the oldest forgotten first): it hashes every message's key and filters the
 * topic's partitions for each, and the relays publish every decision keyed by one of a few
 * thousand subjects. A keyed message's partition depends on its key and the partition count
 * alone, so a remembered one is the partition the default partitioner gives.
 */
export const rememberingPartitioner: ICustomPartitioner = () => {
  const partitioner = Partitioners.DefaultPartitioner();
  // Per topic and partition count (a topic that gained partitions starts afresh), by key: no
  // string built per message to look it up by.
  const tables = new Map<string, { count: number; keys: Map<string, number> }>();
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    if (typeof message.key !== 'string' || (message.partition !== undefined && message.partition !== null))
      return partitioner(args);
    let table = tables.get(topic);
    if (table === undefined || table.count !== partitionMetadata.length) {
      table = { count: partitionMetadata.length, keys: new Map() };
      tables.set(topic, table);
    }
    const known = table.keys.get(message.key);
    if (known !== undefined) return known;
    const partition = partitioner(args);
    if (table.keys.size >= PARTITIONS_REMEMBERED) table.keys.delete(table.keys.keys().next().value as string);
    table.keys.set(message.key, partition);
    return partition;
  };
};

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
  private usagePartitions = 0;
  private partitionMetadata: PartitionMetadata[] = [];
  private readonly partitions = new Map<string, number>();

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
      createPartitioner: rememberingPartitioner,
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

  /**
   * Creates the missing topics in one request (the repartition topic with as many partitions as
   * the usage topic). A broker that has not caught up with a topic created a moment before
   * answers "does not host this topic-partition": then it starts again from the topics listed.
   */
  private async ensureTopics(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ensureTopicsOnce();
      } catch (error) {
        if (attempt >= 10 || (error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  }

  private async ensureTopicsOnce(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const { usage, usageByAccount } = this.topics;
    const usagePartitions = existing.has(usage) ? await this.partitionsOf(usage) : this.config.kafka.usagePartitions;
    const wanted = Object.values(this.topics).filter((t) => !existing.has(t));
    if (wanted.length > 0) {
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({
          topic,
          numPartitions: topic === usageByAccount ? usagePartitions : this.config.kafka.usagePartitions,
        })),
      });
    }
    this.usagePartitions = usagePartitions;
    if (existing.has(usageByAccount) && (await this.partitionsOf(usageByAccount)) < usagePartitions) {
      await this.admin.createPartitions({ topicPartitions: [{ topic: usageByAccount, count: usagePartitions }] });
    }
  }

  /** A topic's partition count; a topic created a moment ago may not be in the metadata yet. */
  private async partitionsOf(topic: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const [metadata] = (await this.admin.fetchTopicMetadata({ topics: [topic] })).topics;
        return metadata.partitions.length;
      } catch (error) {
        if (attempt >= 25 || (error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Partitions of the usage topic (and of its repartition topic) when this process started. */
  get usagePartitionCount(): number {
    return this.usagePartitions;
  }

  /**
   * The usage partition a key belongs to (the partition a producer keying by it would pick), by
   * the usage topic's partition count when this process started.
   */
  partitionOf(key: string): number {
    if (this.partitionMetadata.length !== this.usagePartitions) {
      this.partitions.clear();
      this.partitionMetadata = Array.from({ length: this.usagePartitions }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        replicas: [0],
        isr: [0],
        partitionErrorCode: 0,
      }));
    }
    const known = this.partitions.get(key);
    if (known !== undefined) return known;
    const partition = keyPartitioner({
      topic: this.topics.usage,
      partitionMetadata: this.partitionMetadata,
      message: { key, value: null },
    });
    if (this.partitions.size >= PARTITIONS_REMEMBERED) this.partitions.delete(this.partitions.keys().next().value as string);
    this.partitions.set(key, partition);
    return partition;
  }

  /**
   * Sends messages in order, gzip-compressed, in requests of at most 256 KiB each (far below the
   * broker's 1 MiB limit), and resolves once every in-sync replica has them all.
   */
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    for (const chunk of chunkByBytes(messages)) {
      await this.producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: chunk });
    }
  }

  /**
   * The outbox relays' send: in order per partition, exactly once per request on the broker (an
   * idempotent producer), gzip-compressed, in requests of at most 256 KiB; resolves once every
   * in-sync replica has them all. A relay still republishes after a crash (at least once).
   */
  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    for (const chunk of chunkByBytes(messages)) {
      await this.outboxProducer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: chunk });
    }
  }

  /**
   * A new consumer in the configured group, committing whenever an offset is resolved, its
   * partitions assigned co-partitioned (see {@link coPartitionedAssigner}). The caller owns it
   * (connects, stops and disconnects it: see UsageConsumer); `close` does not touch it.
   */
  createConsumer(): GroupConsumer {
    const consumer: Consumer = this.kafka.consumer({
      partitionAssigners: [coPartitionedAssigner as unknown as PartitionAssigner],
      groupId: this.config.kafka.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.config.kafka.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(this.config.kafka.sessionTimeoutMs / 3)),
      maxWaitTimeInMs: 1000,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000 },
    });
    return consumer as unknown as GroupConsumer;
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
