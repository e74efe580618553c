import type { EventStore, SqlClient } from '@tally/eventstore';
import type { KafkaAdapter } from '../kafka/kafka.adapter';
import type { Logger } from '../logger';
import { DecisionRelay, type RelayHooks } from './decision-relay';

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
  const relay = new DecisionRelay(db, store, logger.child({ component: 'relay' }), {
    name: `decisions:${kafka.topics.decisions}`,
    publish: (records) => kafka.send(kafka.topics.decisions, records),
    hooks,
  });
  await relay.init();
  relay.start();
  return relay;
}
