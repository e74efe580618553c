import { deserialize, storedTypesOf, type StoredEvent } from '@tally/events';
import { toDecisionMessage } from '@tally/messages';
import type { OutboxRecord } from './outbox-record';

/** The CloudEvents type of a published decision. */
export const DECISION_EVENT_TYPE = 'metering.decision.v1';

/** The stored types {@link decisionRecord} publishes: the decision relay reads only these. */
export const DECISION_STORED_TYPES = storedTypesOf('UsageAccepted', 'UsageRejected');

/**
 * The published form of a stored decision (UsageAccepted, UsageRejected), or null for every
 * other event. Keyed by subject; `ce_source` and `ce_id` are the usage's own, so a consumer that
 * dedupes by them (or by the body's `source` + `id`) drops the relay's redeliveries.
 */
export function decisionRecord(stored: StoredEvent): OutboxRecord | null {
  const event = deserialize(stored);
  if (event.type !== 'UsageAccepted' && event.type !== 'UsageRejected') return null;
  const decision = toDecisionMessage(event);
  // W3C trace context travels on as the CloudEvents distributed-tracing extension.
  const traceparent = decision.extensions?.traceparent;
  return {
    key: decision.subject,
    value: JSON.stringify(decision),
    headers: {
      ce_specversion: '1.0',
      ce_type: DECISION_EVENT_TYPE,
      ce_source: decision.source,
      ce_id: decision.id,
      ce_subject: decision.subject,
      ce_time: decision.decidedAt,
      'content-type': 'application/json',
      ...(typeof traceparent === 'string' ? { ce_traceparent: traceparent } : {}),
    },
  };
}
