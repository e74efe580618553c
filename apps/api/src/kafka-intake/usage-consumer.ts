import type { CommandBus } from '@nestjs/cqrs';
import type { EachBatchPayload, KafkaAdapter, KafkaConsumer, Logger } from '@tally/runtime';
import { ConsumerHealth } from './consumer-health';
import { decideSlice } from './decide-slice';
import { DEFAULT_RESTARTS, RestartPolicy, type RestartOptions } from './restart-policy';
import type { Clock } from '../runtime/clock';

/** Counters the consumer reports to. */
export interface IntakeMetrics {
  deadLettered(code: string): void;
  restarted(): void;
}

/** Most messages decided, dead-lettered and committed as one step. */
export const SLICE_SIZE = 500;
const MAX_RETRY_DELAY_MS = 2000;

/**
 * Consumes `metering.usage.v1` a partition batch at a time, in slices of at most 500 messages:
 * each slice is decided (or dead-lettered) and its offsets committed before the next. A failure
 * that retrying can cure is retried with backoff, without limit, until it passes or the
 * consumer stops; nothing is logged and skipped. A crash kafkajs does not recover from itself
 * restarts the consumer with backoff; if that keeps failing, `onGiveUp` ends the process.
 */
export class UsageConsumer {
  readonly health = new ConsumerHealth();
  private consumer: KafkaConsumer | null = null;
  private stopping = false;
  private readonly restarts: RestartPolicy;
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly kafka: KafkaAdapter,
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: IntakeMetrics,
    private readonly onGiveUp: (error: unknown) => void,
    restartOptions: RestartOptions = DEFAULT_RESTARTS,
  ) {
    this.restarts = new RestartPolicy(restartOptions);
  }

  async start(): Promise<void> {
    const consumer = this.kafka.createConsumer();
    this.consumer = consumer;
    this.health.watch(consumer);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) {
        this.logger.warn({ err: payload.error }, 'Kafka consumer crashed; kafkajs restarts it');
        this.metrics.restarted();
      } else void this.restart(payload.error);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.kafka.topics.usage], fromBeginning: true });
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommit: true,
        // commitOffsetsIfNecessary then commits every resolved slice at once.
        autoCommitThreshold: 1,
        partitionsConsumedConcurrently: 3,
        eachBatch: (payload) => this.handle(payload),
      });
    } catch (error) {
      // This class owns the consumer it asked for: nothing else disconnects it.
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.logger.info({ topic: this.kafka.topics.usage }, 'consuming usage from Kafka');
  }

  /** Finishes the slice in hand, commits its offsets and leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async restart(cause: unknown): Promise<void> {
    for (let error = cause; !this.stopping;) {
      this.metrics.restarted();
      const delay = this.restarts.next();
      if (delay === null) {
        this.logger.fatal({ err: error }, 'the Kafka consumer keeps failing; giving up so that the process is restarted');
        return this.onGiveUp(error);
      }
      this.logger.error({ err: error, delayMs: delay }, 'Kafka consumer crashed; restarting it');
      await this.sleep(delay);
      if (this.stopping) return;
      try {
        await this.consumer?.disconnect().catch(() => undefined);
        await this.start();
        return;
      } catch (failed) {
        error = failed;
      }
    }
  }

  private async handle(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isStale } = payload;
    const live = () => payload.isRunning() && !isStale() && !this.stopping;
    const source = { topic: batch.topic, partition: batch.partition };
    for (let from = 0; from < batch.messages.length && live(); from += SLICE_SIZE) {
      const slice = batch.messages.slice(from, from + SLICE_SIZE);
      const done = await this.untilDone(
        () =>
          decideSlice(slice, source, {
            kafka: this.kafka,
            commands: this.commands,
            clock: this.clock,
            logger: this.logger,
            deadLettered: (code) => this.metrics.deadLettered(code),
          }),
        live,
        heartbeat,
      );
      // Stopped, or a rebalance while deciding: the decisions are durable; the new owner redelivers and gets them back.
      if (!done || isStale()) return;
      this.health.active();
      resolveOffset(slice[slice.length - 1].offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /** Runs `work` until it passes; false if the consumer stopped first. */
  private async untilDone(work: () => Promise<void>, live: () => boolean, heartbeat: () => Promise<void>): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await work();
        return true;
      } catch (error) {
        const delay = Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** attempt);
        this.logger.warn({ err: error, attempt: attempt + 1, delayMs: delay }, 'deciding a slice failed; retrying it');
        await this.sleep(delay);
        if (!live()) return false;
        // Keep the partitions while waiting for the store to come back.
        await heartbeat().catch(() => undefined);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}
