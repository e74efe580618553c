import type { ConsumedBatch, GroupConsumer, KafkaAdapter, Logger } from '@tally/runtime';
import { ConsumerHealth } from './consumer-health';
import { decideSlice } from './decide-slice';
import { isProgrammingError } from './failures';
import { DEFAULT_RESTARTS, RestartPolicy, type RestartOptions } from './restart-policy';
import type { UsageDecider } from './usage-decider';
import type { Clock } from '../runtime/clock';

/** Counters the consumer reports to. */
export interface IntakeMetrics {
  deadLettered(code: string): void;
  restarted(): void;
  /** A slice failed on a fault in Tally's own code (retried, never dead-lettered). */
  programmingError?(): void;
}

/** Most messages decided, dead-lettered and committed as one step. */
export const SLICE_SIZE = 500;
const MAX_RETRY_DELAY_MS = 2000;

/**
 * Consumes `metering.usage.v1` and its repartition topic (usage keyed by account), every
 * assigned partition at once, a partition batch at a time, in slices of at most 500 messages:
 * each slice is decided (or forwarded, or dead-lettered) in partition order, and its offsets
 * are committed while the next slice is decided (never before its own decisions are durable).
 * The two topics are co-partitioned, so this consumer alone decides the accounts whose key
 * hashes to its partitions. A failure
 * that retrying can cure is retried with backoff, without limit, until it passes or the
 * consumer stops; nothing is logged and skipped. A crash kafkajs does not recover from itself
 * restarts the consumer with backoff; if that keeps failing, `onGiveUp` ends the process.
 */
export class UsageConsumer {
  readonly health = new ConsumerHealth();
  private consumer: GroupConsumer | null = null;
  private stopping = false;
  private readonly restarts: RestartPolicy;
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly kafka: KafkaAdapter,
    private readonly decider: UsageDecider,
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
      const { usage, usageByAccount } = this.kafka.topics;
      await consumer.subscribe({ topics: [usage, usageByAccount], fromBeginning: true });
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommit: true,
        // commitOffsetsIfNecessary then commits every resolved slice at once.
        autoCommitThreshold: 1,
        // Every partition it is assigned, of both topics: partitions are disjoint accounts.
        partitionsConsumedConcurrently: 2 * this.kafka.usagePartitionCount,
        eachBatch: (payload) => this.handle(payload),
      });
    } catch (error) {
      // This class owns the consumer it asked for: nothing else disconnects it.
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.logger.info(
      { topic: this.kafka.topics.usage, repartition: this.kafka.topics.usageByAccount },
      'consuming usage from Kafka',
    );
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

  private async handle(payload: ConsumedBatch): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isStale } = payload;
    const live = () => payload.isRunning() && !isStale() && !this.stopping;
    const source = { topic: batch.topic, partition: batch.partition };
    const deps = {
      kafka: this.kafka,
      decider: this.decider,
      clock: this.clock,
      logger: this.logger,
      deadLettered: (code: string) => this.metrics.deadLettered(code),
    };
    // The previous slice's offset commit, running while this slice is decided.
    let committing: Promise<void> = Promise.resolve();
    committing.catch(() => undefined);
    for (let from = 0; from < batch.messages.length && live(); from += SLICE_SIZE) {
      const slice = batch.messages.slice(from, from + SLICE_SIZE);
      const done = await this.untilDone(() => decideSlice(slice, source, deps), live, heartbeat);
      // Stopped, or a rebalance while deciding: the decisions are durable; the new owner redelivers and gets them back.
      if (!done || isStale()) return;
      this.health.active();
      await committing;
      resolveOffset(slice[slice.length - 1].offset);
      committing = commitOffsetsIfNecessary().then(() => heartbeat());
      committing.catch(() => undefined);
    }
    await committing;
  }

  /** Runs `work` until it passes; false if the consumer stopped first. */
  private async untilDone(work: () => Promise<void>, live: () => boolean, heartbeat: () => Promise<void>): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await work();
        return true;
      } catch (error) {
        const delay = Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** attempt);
        if (isProgrammingError(error)) {
          // Not the message's fault: dead-lettering would lose it to a bug. The partition waits
          // (retrying, so a fix deployed or a transient cause passing lets it go on) and says why.
          this.metrics.programmingError?.();
          this.logger.error(
            { err: error, attempt: attempt + 1, delayMs: delay },
            "deciding a slice failed on a fault in Tally's code; retrying it, its partition waits",
          );
        } else this.logger.warn({ err: error, attempt: attempt + 1, delayMs: delay }, 'deciding a slice failed; retrying it');
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
