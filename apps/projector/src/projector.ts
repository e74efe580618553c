import { PROJECTIONS, ProjectionRunner } from '@tally/read-models';
import { openDatabase, openEventStore, type Config, type Logger } from '@tally/runtime';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The projector process's pieces. */
export interface Projector {
  runner: ProjectionRunner;
  registry: Registry;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the store and read-model database and starts projecting from the stored checkpoints. */
export async function startProjector(config: Config, logger: Logger): Promise<Projector> {
  const db = await openDatabase(config, 'tally-projector');
  const store = await openEventStore(config, db).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const projected = new Counter({
    name: 'tally_projected_events_total',
    help: 'Events written into the read models',
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'tally_projection_lag_seconds',
    help: 'Age of the oldest stored event not yet in the read models (0 when caught up)',
    registers: [registry],
    collect: async () => {
      const seconds = await runner.lagSeconds().catch(() => null);
      if (seconds !== null) lag.set(seconds);
    },
  });
  const errors = new Counter({ name: 'tally_projection_errors_total', help: 'Failed batches, retried', registers: [registry] });
  const runner = new ProjectionRunner(db, store, PROJECTIONS, {
    onBatch: (report) => {
      projected.inc(report.events);
      logger.debug(report, 'projected batch');
    },
    onError: (error) => {
      errors.inc();
      logger.error({ err: error }, 'projection batch failed; retrying from the checkpoint');
    },
  });
  await runner.init();
  runner.start();
  logger.info({ projections: PROJECTIONS.map((p) => p.name), eventStore: config.eventStore }, 'projector started');
  return {
    runner,
    registry,
    async ready() {
      try {
        await Promise.all([store.ping(), db.query('select 1')]);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await runner.stop();
      await store.close();
      await db.close();
    },
  };
}
