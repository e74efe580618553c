import type { CommandBus } from '@nestjs/cqrs';
import type { Logger } from '@tally/runtime';
import type { Consumer, EachBatchPayload, KafkaMessage, Message } from 'kafkajs';
import type { KafkaAdapter } from '../../kafka/kafka.adapter';
import { RequestUsageCommand } from '../request-usage/request-usage.command';
import { parseKafkaUsage, type Rejection } from './usage-message.parser';

/** Counters the consumer reports to. */
export interface IntakeMetrics {
  deadLettered(code: string): void;
}

/**
 * Consumes `metering.usage.v1` a batch per partition at a time: invalid messages go to the
 * dead-letter topic byte for byte, valid ones are decided (per account, in one append per
 * account) and their decisions published; only then are the offsets resolved and committed.
 * A failure throws, so kafkajs retries the batch from the last commit: idempotent decisions
 * make the redelivery harmless. Nothing is logged and skipped.
 */
export class UsageConsumer {
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: KafkaAdapter,
    private readonly commands: CommandBus,
    private readonly logger: Logger,
    private readonly metrics: IntakeMetrics,
  ) {}

  async start(): Promise<void> {
    this.consumer = this.kafka.createConsumer();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.kafka.topics.usage], fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.handle(payload),
    });
    this.logger.info({ topic: this.kafka.topics.usage }, 'consuming usage from Kafka');
  }

  /** Finishes the batch in hand, commits its offsets and leaves the group. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private async handle({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const requests = [];
    const deadLetters: Message[] = [];
    for (const message of batch.messages) {
      const parsed = parseKafkaUsage(message.value, message.headers);
      if (parsed.ok) requests.push(parsed.request);
      else deadLetters.push(this.deadLetter(message, parsed.rejection, batch.topic, batch.partition));
    }
    await this.kafka.send(this.kafka.topics.deadLetters, deadLetters);
    for (const letter of deadLetters) this.metrics.deadLettered(String(letter.headers?.['tally-error-code']));
    if (requests.length > 0) await this.commands.execute(new RequestUsageCommand(requests, 'kafka'));
    // A rebalance while deciding: the decisions are durable; the new owner redelivers and gets them back.
    if (isStale()) return;
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  private deadLetter(message: KafkaMessage, rejection: Rejection, topic: string, partition: number): Message {
    this.logger.warn(
      { topic, partition, offset: message.offset, code: rejection.code, detail: rejection.detail },
      'usage message dead-lettered',
    );
    return {
      key: message.key,
      value: message.value,
      headers: {
        ...message.headers,
        'tally-error-code': rejection.code,
        'tally-error': rejection.detail,
        'tally-source-topic': topic,
        'tally-source-partition': String(partition),
        'tally-source-offset': message.offset,
        'tally-failed-at': new Date().toISOString(),
      },
    };
  }
}
