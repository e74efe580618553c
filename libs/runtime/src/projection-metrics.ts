import type { RunnerOptions } from '@tally/read-models';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from './logger';

/** The runner hooks that feed the projection metrics, and where the lag is measured from. */
export interface ProjectionMetrics extends Required<Pick<RunnerOptions, 'onBatch' | 'onError' | 'onMaintenanceError'>> {
  /** Measures lag at each scrape from this runner (set once it exists). */
  measureLag(lagSeconds: () => Promise<number>): void;
}

/**
 * Registers the projection metrics on a process's registry: the same names in the api (which
 * projects when embedded) and the projector.
 */
export function projectionMetrics(registry: Registry, logger: Logger): ProjectionMetrics {
  let source: (() => Promise<number>) | null = null;
  const projected = new Counter({
    name: 'tally_projected_events_total',
    help: 'Events written into the read models',
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'tally_projection_lag_seconds',
    help: 'Age of the oldest stored event not yet in the read models (0 when caught up)',
    registers: [registry],
    // Measured when scraped, against the store: a stalled projector shows a growing lag.
    collect: async () => {
      const seconds = await source?.().catch(() => null);
      if (typeof seconds === 'number') lag.set(seconds);
    },
  });
  const batchLag = new Histogram({
    name: 'tally_projection_batch_lag_seconds',
    help: 'Per projected batch: seconds from storing its oldest event to projecting it (how stale the read models were)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'tally_projection_errors_total',
    help: 'Projection batches that failed and were retried',
    registers: [registry],
  });
  return {
    onBatch: (report) => {
      projected.inc(report.events);
      batchLag.observe(report.oldestLagSeconds);
      logger.debug(report, 'projected batch');
    },
    onError: (error) => {
      errors.inc();
      logger.error({ err: error }, 'projection batch failed; retrying from the checkpoint');
    },
    onMaintenanceError: (error, projection) => {
      logger.warn(
        { err: error, projection },
        'projection maintenance (vacuum) failed; projecting goes on, the space waits for the next run',
      );
    },
    measureLag: (lagSeconds) => void (source = lagSeconds),
  };
}
