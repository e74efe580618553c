import type { EventStore, SqlClient } from '@tally/eventstore';
import type { KafkaAdapter } from '../kafka/kafka.adapter';
import type { Logger } from '../logger';
import { alertRecord } from './alert-records';
import { startRelay, type DecisionRelay, type RelayHooks } from './decision-relay';

/** Advisory-lock key of the alert relay (its own: it must never stand the decision relay by). */
export const ALERT_RELAY_LOCK = 7_342_011;

/**
 * The relay of a deployment with Kafka: decisions to `metering.decisions.v1`. The checkpoint is
 * named after the topic, so a deployment that changes its topic prefix relays its history there.
 */
export async function startKafkaRelay(
  db: SqlClient,
  store: EventStore,
  kafka: KafkaAdapter,
  logger: Logger,
  hooks: RelayHooks,
): Promise<DecisionRelay> {
  return startRelay(db, store, logger.child({ component: 'relay' }), {
    name: `decisions:${kafka.topics.decisions}`,
    publish: (records) => kafka.send(kafka.topics.decisions, records),
    hooks,
  });
}

/**
 * The alert relay: alerts to `metering.alerts.v1`, beside the decision relay and independent of
 * it (its own checkpoint, named after its topic, and its own lock), so neither delays the other.
 */
export async function startAlertRelay(
  db: SqlClient,
  store: EventStore,
  kafka: KafkaAdapter,
  logger: Logger,
  hooks: RelayHooks,
): Promise<DecisionRelay> {
  return startRelay(db, store, logger.child({ component: 'alert-relay' }), {
    name: `alerts:${kafka.topics.alerts}`,
    label: 'alert relay',
    lockKey: ALERT_RELAY_LOCK,
    select: alertRecord,
    publish: (records) => kafka.send(kafka.topics.alerts, records),
    hooks,
  });
}
