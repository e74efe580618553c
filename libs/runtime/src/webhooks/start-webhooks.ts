import type { AlertData } from '@tally/events';
import type { EventStore, SqlClient } from '@tally/eventstore';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { ALERT_STORED_TYPES, alertOf } from '../relay/alert-records';
import { startRelay, type RelayHooks } from '../relay/outbox-relay';
import { AddressRule } from './address-rule';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookOutbox } from './webhook-outbox';
import { initWebhookTables } from './webhook-schema';
import { webhookTransport } from './webhook-sender';

/** Advisory-lock key of webhook delivery: one process of a deployment fans out and delivers. */
export const WEBHOOK_LOCK = 7_342_012;

/** Webhook delivery in a process that projects: the fan-out relay and the deliverer. */
export interface Webhooks {
  stop(): Promise<void>;
}

/**
 * Follows the store from its own checkpoint (`webhooks`) and puts every alert in the outbox,
 * one delivery per endpoint, committing the checkpoint after the insert; the holder of the
 * webhook lock also delivers. Works on every store and in embedded mode (PGlite holds the lock
 * by itself: one process).
 */
export async function startWebhooks(
  db: SqlClient,
  store: EventStore,
  config: Config,
  logger: Logger,
  hooks: RelayHooks = {},
): Promise<Webhooks> {
  await initWebhookTables(db);
  const log = logger.child({ component: 'webhooks' });
  const outbox = new WebhookOutbox(db);
  const transport = webhookTransport(new AddressRule(config.webhooks), config.webhooks.timeoutMs);
  const deliverer = new WebhookDeliverer(outbox, log, { retryBaseMs: config.webhooks.retryBaseMs, transport });
  const fanOut = await startRelay<AlertData>(db, store, log, {
    name: 'webhooks',
    label: 'webhook relay',
    lockKey: WEBHOOK_LOCK,
    select: alertOf,
    types: ALERT_STORED_TYPES,
    publish: async (alerts) => {
      await outbox.enqueue(alerts, new Date());
      deliverer.wake();
    },
    hooks: {
      ...hooks,
      onActive: (active) => {
        deliverer.setActive(active);
        hooks.onActive?.(active);
      },
    },
  });
  return {
    async stop() {
      await fanOut.stop();
      await deliverer.stop();
    },
  };
}
