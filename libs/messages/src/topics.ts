/** Input topic: usage requests as CloudEvents 1.0 structured JSON, keyed by subject. */
export const USAGE_TOPIC = 'metering.usage.v1';
/** Output topic: one decision per usage request, keyed by subject. */
export const DECISIONS_TOPIC = 'metering.decisions.v1';
/** Where input that fails validation goes, byte for byte, with the reason in headers. */
export const USAGE_DLQ_TOPIC = 'metering.usage.v1.dlq';
/** Output topic: every alert raised (quota thresholds, low credits), keyed by account. */
export const ALERTS_TOPIC = 'metering.alerts.v1';
