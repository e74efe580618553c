import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Runtime } from './runtime/runtime';
import { UsageConsumer } from './usage/kafka-intake/usage-consumer';

/** Starts consuming `metering.usage.v1` if Kafka is configured; returns what stops it (or null). */
export async function startKafkaIntake(app: INestApplication, runtime: Runtime): Promise<UsageConsumer | null> {
  if (!runtime.kafka) return null;
  const consumer = new UsageConsumer(runtime.kafka, app.get(CommandBus), runtime.logger, {
    deadLettered: (code) => runtime.metrics.deadLetters.inc({ code }),
  });
  await consumer.start();
  return consumer;
}
