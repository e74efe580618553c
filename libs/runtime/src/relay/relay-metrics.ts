import { Counter, Gauge, type Registry } from 'prom-client';
import type { RelayHooks } from './outbox-relay';

// Written out in full, so the dashboard check (test/compose) finds every name.
const METRICS = {
  decisions: {
    active: { name: 'tally_relay_active', help: '1 while this process holds the relay lock and relays decisions to Kafka' },
    published: {
      name: 'tally_relay_published_total',
      help: 'Decisions published to metering.decisions.v1 (redeliveries included)',
    },
    errors: {
      name: 'tally_relay_errors_total',
      help: 'Relay failures (broker or database unreachable), each retried from the checkpoint',
    },
    lagEvents: { name: 'tally_relay_lag_events', help: 'Events stored after the relay checkpoint (store head minus checkpoint)' },
    lagSeconds: {
      name: 'tally_relay_lag_seconds',
      help: 'Age of the oldest stored event the relay has not yet had acknowledged (0 when caught up)',
    },
  },
  alerts: {
    active: {
      name: 'tally_alert_relay_active',
      help: '1 while this process holds the alert relay lock and relays alerts to Kafka',
    },
    published: {
      name: 'tally_alert_relay_published_total',
      help: 'Alerts published to metering.alerts.v1 (redeliveries included)',
    },
    errors: { name: 'tally_alert_relay_errors_total', help: 'Alert relay failures, each retried from its checkpoint' },
    lagEvents: { name: 'tally_alert_relay_lag_events', help: 'Events stored after the alert relay checkpoint' },
    lagSeconds: {
      name: 'tally_alert_relay_lag_seconds',
      help: 'Age of the oldest stored event the alert relay has not yet had acknowledged',
    },
  },
  webhooks: {
    active: {
      name: 'tally_webhook_relay_active',
      help: '1 while this process holds the webhook lock: it enqueues and delivers webhooks',
    },
    published: { name: 'tally_webhook_relay_published_total', help: 'Alerts put in the webhook outbox (redeliveries included)' },
    errors: { name: 'tally_webhook_relay_errors_total', help: 'Webhook relay failures, each retried from its checkpoint' },
    lagEvents: { name: 'tally_webhook_relay_lag_events', help: 'Events stored after the webhook relay checkpoint' },
    lagSeconds: {
      name: 'tally_webhook_relay_lag_seconds',
      help: 'Age of the oldest stored event the webhook relay has not yet enqueued',
    },
  },
} as const;

/** Registers a relay's metrics (the decision relay's, the alert relay's or the webhook relay's) on a process's registry and returns the hooks that feed them. */
export function relayMetrics(
  registry: Registry,
  onError?: (error: unknown) => void,
  relay: keyof typeof METRICS = 'decisions',
): RelayHooks {
  const m = METRICS[relay];
  const active = new Gauge({ ...m.active, registers: [registry] });
  const published = new Counter({ ...m.published, registers: [registry] });
  const errors = new Counter({ ...m.errors, registers: [registry] });
  const lagEvents = new Gauge({ ...m.lagEvents, registers: [registry] });
  const lagSeconds = new Gauge({ ...m.lagSeconds, registers: [registry] });
  return {
    onActive: (isActive) => active.set(isActive ? 1 : 0),
    onRelayed: (report) => published.inc(report.published),
    onLag: (lag) => {
      lagEvents.set(lag.events);
      lagSeconds.set(lag.seconds);
    },
    onError: (error) => {
      errors.inc();
      onError?.(error);
    },
  };
}
