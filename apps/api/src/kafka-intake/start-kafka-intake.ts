import type { INestApplication } from '@nestjs/common';
import { AccountHandler } from '../accounts/account-handler';
import { CatalogCache } from '../catalog/catalog-cache';
import { Metrics } from '../operations/metrics';
import { Clock } from '../runtime/clock';
import type { Runtime } from '../runtime/runtime';
import { UsageConsumer } from './usage-consumer';
import { KafkaUsageDecider } from './usage-decider';

const LAG_POLL_MS = 5000;

/** The running intake: its consumer, and what stops it with the lag poller. */
export interface KafkaIntake {
  consumer: UsageConsumer;
  stop(): Promise<void>;
}

/**
 * Starts consuming `metering.usage.v1` if Kafka is configured (null otherwise), with readiness
 * fed by the consumer's state and the group's lag per partition polled from the broker.
 */
export async function startKafkaIntake(
  app: INestApplication,
  runtime: Runtime,
  onGiveUp: (error: unknown) => void = () => process.exit(1),
): Promise<KafkaIntake | null> {
  const kafka = runtime.kafka;
  if (!kafka) return null;
  const { metrics, logger } = runtime;
  const consumer = new UsageConsumer(
    kafka,
    new KafkaUsageDecider(app.get(AccountHandler), app.get(CatalogCache), app.get(Metrics)),
    app.get(Clock),
    logger,
    { deadLettered: (code) => metrics.deadLetters.inc({ code }), restarted: () => metrics.consumerRestarts.inc() },
    onGiveUp,
  );
  await consumer.start();
  runtime.intake = consumer.health;
  const poll = setInterval(async () => {
    metrics.consumerConsuming.set(consumer.health.consuming() ? 1 : 0);
    try {
      for (const { partition, lag } of await kafka.consumerLag()) {
        metrics.consumerLag.set({ topic: kafka.topics.usage, partition: String(partition) }, lag);
      }
    } catch {
      // The broker is unreachable: readiness says so, and the gauges keep their last values.
    }
  }, LAG_POLL_MS);
  poll.unref();
  return {
    consumer,
    async stop() {
      clearInterval(poll);
      await consumer.stop();
    },
  };
}
