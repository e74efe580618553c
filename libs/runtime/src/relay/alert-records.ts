import { deserialize, storedTypesOf, type AlertData, type StoredEvent } from '@tally/events';
import type { OutboxRecord } from './outbox-record';

/** The CloudEvents type of a published alert. */
export const ALERT_EVENT_TYPE = 'metering.alert.v1';

/** The stored types {@link alertOf} reads: the alert relays (Kafka, webhooks) read only these. */
export const ALERT_STORED_TYPES = storedTypesOf('AlertRaised');

/**
 * A stored alert as its message (`metering.alerts.v1`, webhooks), or null for every other event.
 * Fields in the contract's order (a JSONB store does not keep the order they were written in).
 */
export function alertOf(stored: StoredEvent): AlertData | null {
  if (!stored.type.startsWith('AlertRaised.')) return null;
  const event = deserialize(stored);
  if (event.type !== 'AlertRaised') return null;
  const { id, account, meter, kind, threshold, usage, limit, balance, period, raisedAt } = event.data;
  // The fields a kind does not have stay undefined, which JSON leaves out.
  return { id, account, meter, kind, threshold, usage, limit, balance, period, raisedAt };
}

/**
 * The message for `metering.alerts.v1`: keyed by account, the alert as JSON, with CloudEvents
 * binary-mode headers as the decisions carry them (`ce_id` is the alert's stable id, so a
 * consumer dedupes the relay's redeliveries by it).
 */
export function alertRecord(stored: StoredEvent): OutboxRecord | null {
  const alert = alertOf(stored);
  if (!alert) return null;
  return {
    key: alert.account,
    value: JSON.stringify(alert),
    headers: {
      ce_specversion: '1.0',
      ce_type: ALERT_EVENT_TYPE,
      ce_source: `/accounts/${alert.account}`,
      ce_id: alert.id,
      ce_subject: alert.account,
      ce_time: alert.raisedAt,
      'content-type': 'application/json',
    },
  };
}
