import { PROJECTIONS, ProjectionRunner } from '@tally/read-models';
import {
  KafkaAdapter,
  openDatabase,
  openEventStore,
  projectionMetrics,
  startOutbox,
  type Config,
  type OutboxRelay,
  type Logger,
  type Outbox,
} from '@tally/runtime';
import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Events per batch when catching up. Rows keyed by account, meter and period (usage counts,
 * wallets) are read and written once per batch however many of its events touch them: over
 * 1,000 accounts most of them are rewritten by every page of 5,000 events, so a page four times
 * larger writes them a quarter as often (docs/benchmarks.md "The projector catching up"). The
 * projector process runs on PostgreSQL only; the embedded runner, whose PGlite memory never
 * shrinks once grown, keeps the runner's 5,000.
 */
export const PROJECTOR_BATCH_SIZE = 20_000;

/** The projector process's pieces. */
export interface Projector {
  runner: ProjectionRunner;
  /** The decision relay to Kafka, when KAFKA_BROKERS is set. */
  relay: OutboxRelay | null;
  /** The relays of the store: decisions and alerts to Kafka, alerts to webhooks. */
  outbox: Outbox;
  registry: Registry;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the store and read-model database and starts projecting from the stored checkpoints;
 * delivers alerts to webhook endpoints and, with Kafka, relays decisions and alerts from the
 * store to `metering.decisions.v1` and `metering.alerts.v1`.
 */
export async function startProjector(config: Config, logger: Logger): Promise<Projector> {
  const db = await openDatabase(config, 'tally-projector', logger);
  const store = await openEventStore(config, db).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = projectionMetrics(registry, logger);
  const runner = new ProjectionRunner(db, store, PROJECTIONS, { ...metrics, batchSize: PROJECTOR_BATCH_SIZE });
  metrics.measureLag(() => runner.lagSeconds());
  await runner.init();
  let kafka: KafkaAdapter | null = null;
  try {
    kafka = config.kafkaBrokers ? await KafkaAdapter.connect(config, logger) : null;
  } catch (error) {
    await store.close();
    await db.close();
    throw error;
  }
  runner.start();
  const outbox = await startOutbox(db, store, kafka, config, logger, registry);
  const relay = outbox.relay;
  logger.info(
    { projections: PROJECTIONS.map((p) => p.name), eventStore: config.eventStore, relay: relay !== null, webhooks: true },
    'projector started',
  );
  return {
    runner,
    relay,
    outbox,
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
      await outbox.stop();
      await runner.stop();
      await kafka?.close();
      await store.close();
      await db.close();
    },
  };
}
