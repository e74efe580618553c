/**
 * A message the outbox relays publish (a decision to `metering.decisions.v1`, an alert to
 * `metering.alerts.v1`), in the CloudEvents Kafka binary binding. Not the domain's
 * `DecisionRecord` (an account's memory of a decision): this is the published form.
 */
export interface OutboxRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}
