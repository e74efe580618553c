import type { EventStore, SqlClient } from '@tally/eventstore';
import type { KafkaAdapter } from '../kafka/kafka.adapter';
import type { Logger } from '../logger';
import { ALERT_STORED_TYPES, alertRecord } from './alert-records';
import type { OutboxRecord } from './outbox-record';
import { startRelay, type OutboxRelay, type RelayHooks, type RelayOptions } from './outbox-relay';

/** Advisory-lock key of the alert relay (its own: it must never stand the decision relay by). */
export const ALERT_RELAY_LOCK = 7_342_011;

type KafkaRelayOptions = Omit<RelayOptions<OutboxRecord>, 'hooks'> & { component: string };

/**
 * The relays of a deployment with Kafka, each from its own checkpoint named after its topic (a
 * deployment that changes its topic prefix relays its history there): decisions to
 * `metering.decisions.v1`; alerts to `metering.alerts.v1`, beside the decision relay and
 * independent of it (its own lock too), so neither delays the other.
 */
const KAFKA_RELAYS: Record<'decisions' | 'alerts', (kafka: KafkaAdapter) => KafkaRelayOptions> = {
  decisions: (kafka) => ({
    component: 'relay',
    name: `decisions:${kafka.topics.decisions}`,
    publish: (records) => kafka.publish(kafka.topics.decisions, records),
  }),
  alerts: (kafka) => ({
    component: 'alert-relay',
    name: `alerts:${kafka.topics.alerts}`,
    label: 'alert relay',
    lockKey: ALERT_RELAY_LOCK,
    select: alertRecord,
    types: ALERT_STORED_TYPES,
    publish: (records) => kafka.publish(kafka.topics.alerts, records),
  }),
};

/** Starts the decision relay (or, with `relay: 'alerts'`, the alert relay) of a deployment with Kafka. */
export function startKafkaRelay(
  db: SqlClient,
  store: EventStore,
  kafka: KafkaAdapter,
  logger: Logger,
  hooks: RelayHooks,
  relay: keyof typeof KAFKA_RELAYS = 'decisions',
): Promise<OutboxRelay> {
  const { component, ...options } = KAFKA_RELAYS[relay](kafka);
  return startRelay(db, store, logger.child({ component }), { ...options, hooks });
}
