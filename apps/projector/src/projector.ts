import { PROJECTIONS, ProjectionRunner } from '@tally/read-models';
import {
  KafkaAdapter,
  openDatabase,
  openEventStore,
  projectionMetrics,
  relayMetrics,
  startKafkaRelay,
  type Config,
  type DecisionRelay,
  type Logger,
} from '@tally/runtime';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** The projector process's pieces. */
export interface Projector {
  runner: ProjectionRunner;
  /** The decision relay to Kafka, when KAFKA_BROKERS is set. */
  relay: DecisionRelay | null;
  registry: Registry;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the store and read-model database and starts projecting from the stored checkpoints;
 * with Kafka, also relays decisions from the store to `metering.decisions.v1`.
 */
export async function startProjector(config: Config, logger: Logger): Promise<Projector> {
  const db = await openDatabase(config, 'tally-projector');
  const store = await openEventStore(config, db).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = projectionMetrics(registry, logger);
  const runner = new ProjectionRunner(db, store, PROJECTIONS, metrics);
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
  const relay = kafka ? await startKafkaRelay(db, store, kafka, logger, relayMetrics(registry)) : null;
  logger.info(
    { projections: PROJECTIONS.map((p) => p.name), eventStore: config.eventStore, relay: relay !== null },
    'projector started',
  );
  return {
    runner,
    relay,
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
      await relay?.stop();
      await runner.stop();
      await kafka?.close();
      await store.close();
      await db.close();
    },
  };
}
