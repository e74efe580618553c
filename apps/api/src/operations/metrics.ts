import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, on its own registry so that tests can run several apps. */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'tally_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'tally_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: 'tally_decisions_total',
    help: 'Usage decisions by outcome and reason',
    labelNames: ['decision', 'reason', 'channel'],
    registers: [this.registry],
  });

  readonly deadLetters = new Counter({
    name: 'tally_dead_letters_total',
    help: 'Kafka usage messages sent to the dead-letter topic, by error code',
    labelNames: ['code'],
    registers: [this.registry],
  });

  readonly conflicts = new Counter({
    name: 'tally_version_conflicts_total',
    help: 'Decision batches re-run because another writer appended first',
    registers: [this.registry],
  });

  readonly groupCommitStreams = new Histogram({
    name: 'tally_group_commit_streams',
    help: 'Accounts whose decided events were committed together in one transaction (one group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });

  readonly consumerRestarts = new Counter({
    name: 'tally_kafka_consumer_restarts_total',
    help: 'Times the usage consumer crashed and was restarted',
    registers: [this.registry],
  });

  readonly consumerConsuming = new Gauge({
    name: 'tally_kafka_consumer_consuming',
    help: '1 while the usage consumer is in its group and fetching or deciding',
    registers: [this.registry],
  });

  readonly consumerLag = new Gauge({
    name: 'tally_kafka_consumer_lag',
    help: "Messages of metering.usage.v1 after the group's committed offset, per partition (from the broker's end offsets)",
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });

  // No labels: one client's guesses must not grow the label set.
  readonly authFailures = new Counter({
    name: 'tally_auth_failures_total',
    help: 'Requests refused 401 for a token that is not valid (counted per client address by the limiter)',
    registers: [this.registry],
  });

  readonly authLimited = new Counter({
    name: 'tally_auth_limited_total',
    help: 'Requests refused 429 because their client address failed authentication too often',
    registers: [this.registry],
  });

  readonly exportRows = new Counter({
    name: 'tally_export_rows_read_total',
    help: 'Rows the streaming exports read from the read models, by export, as they read them',
    labelNames: ['export'],
    registers: [this.registry],
  });

  constructor() {
    // Standard names (process_*, nodejs_*), as Node dashboards and alerts expect them.
    collectDefaultMetrics({ register: this.registry });
  }
}
