import { Counter, Gauge, type Registry } from 'prom-client';
import type { RelayHooks } from './decision-relay';

/** Registers the relay's metrics on a process's registry and returns the hooks that feed them. */
export function relayMetrics(registry: Registry, onError?: (error: unknown) => void): RelayHooks {
  const active = new Gauge({
    name: 'tally_relay_active',
    help: '1 while this process holds the relay lock and relays decisions to Kafka',
    registers: [registry],
  });
  const published = new Counter({
    name: 'tally_relay_published_total',
    help: 'Decisions published to metering.decisions.v1 (redeliveries included)',
    registers: [registry],
  });
  const errors = new Counter({
    name: 'tally_relay_errors_total',
    help: 'Relay failures (broker or database unreachable), each retried from the checkpoint',
    registers: [registry],
  });
  const lagEvents = new Gauge({
    name: 'tally_relay_lag_events',
    help: 'Events stored after the relay checkpoint (store head minus checkpoint)',
    registers: [registry],
  });
  const lagSeconds = new Gauge({
    name: 'tally_relay_lag_seconds',
    help: 'Age of the oldest stored event the relay has not yet had acknowledged (0 when caught up)',
    registers: [registry],
  });
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
