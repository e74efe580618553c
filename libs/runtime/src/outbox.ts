import type { EventStore, SqlClient } from '@tally/eventstore';
import type { Registry } from 'prom-client';
import type { Config } from './config';
import type { KafkaAdapter } from './kafka/kafka.adapter';
import type { Logger } from './logger';
import type { OutboxRelay } from './relay/outbox-relay';
import { startKafkaRelay } from './relay/kafka-relay';
import { relayMetrics } from './relay/relay-metrics';
import { startWebhooks, type Webhooks } from './webhooks/start-webhooks';

/** What a projecting process relays from the store, each from its own checkpoint under its own lock. */
export interface Outbox {
  /** Decisions to `metering.decisions.v1` (with Kafka). */
  relay: OutboxRelay | null;
  /** Alerts to `metering.alerts.v1` (with Kafka). */
  alertRelay: OutboxRelay | null;
  /** Alerts to webhook endpoints (always, embedded mode included). */
  webhooks: Webhooks;
  stop(): Promise<void>;
}

/** Starts the relays of the process that projects (the projector, or `npm start`). */
export async function startOutbox(
  db: SqlClient,
  store: EventStore,
  kafka: KafkaAdapter | null,
  config: Config,
  logger: Logger,
  registry: Registry,
): Promise<Outbox> {
  const relay = kafka ? await startKafkaRelay(db, store, kafka, logger, relayMetrics(registry)) : null;
  const alertRelay = kafka
    ? await startKafkaRelay(db, store, kafka, logger, relayMetrics(registry, undefined, 'alerts'), 'alerts')
    : null;
  const webhooks = await startWebhooks(db, store, config, logger, relayMetrics(registry, undefined, 'webhooks'));
  return {
    relay,
    alertRelay,
    webhooks,
    async stop() {
      await Promise.all([relay?.stop(), alertRelay?.stop(), webhooks.stop()]);
    },
  };
}
