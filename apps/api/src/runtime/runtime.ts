import type { EventStore, SqlClient } from '@tally/eventstore';
import { PROJECTIONS, ProjectionRunner, ReadModels } from '@tally/read-models';
import {
  KafkaAdapter,
  openDatabase,
  openEventStore,
  projectionMetrics,
  startOutbox,
  AddressRule,
  WebhookEndpoints,
  WebhookOutbox,
  type Config,
  type OutboxRelay,
  type Logger,
} from '@tally/runtime';
import { AccountHandler } from '../accounts/account-handler';
import { ClaimsPruner } from '../accounts/claims-pruner';
import { HANDLER_DEFAULTS } from '../accounts/account-handler-options';
import { CatalogCache } from '../catalog/catalog-cache';
import { ApiKeys } from '../auth/api-keys';
import { Authenticator } from '../auth/authenticator';
import { FailureLimiter } from '../auth/failure-limiter';
import { Metrics } from '../operations/metrics';

/** Everything the HTTP layer, the Kafka consumer and the projector work with, built once per process. */
export interface Runtime {
  config: Config;
  logger: Logger;
  db: SqlClient;
  store: EventStore;
  readModels: ReadModels;
  runner: ProjectionRunner;
  decisions: AccountHandler;
  catalog: CatalogCache;
  apiKeys: ApiKeys;
  /** Bearer tokens checked, failures limited per client address. */
  authenticator: Authenticator;
  metrics: Metrics;
  /** Set when KAFKA_BROKERS is: the one kafkajs client of the process. */
  kafka: KafkaAdapter | null;
  /** Set once the Kafka consumer runs: whether it is consuming, for readiness. */
  intake: { consuming(): boolean } | null;
  /** The outbox relay to `metering.decisions.v1`, when this process projects and Kafka is configured. */
  relay: OutboxRelay | null;
  /** Registered webhook endpoints, and their delivery log. */
  webhooks: { endpoints: WebhookEndpoints; outbox: WebhookOutbox; rule: AddressRule };
  close(): Promise<void>;
}

/**
 * Opens the databases of the configured mode and wires the pieces; `project` also starts the
 * projector here, webhook delivery, and with Kafka the decision and alert relays.
 */
export async function openRuntime(config: Config, logger: Logger, options: { project: boolean }): Promise<Runtime> {
  const db = await openDatabase(config, options.project ? 'tally' : 'tally-api', logger);
  const closers: Array<() => Promise<void>> = [() => db.close()];
  try {
    const store = await openEventStore(config, db);
    closers.unshift(() => store.close());
    // Beside the api on PostgreSQL, the projector and the relays query through a pool of their
    // own: a page's transaction (two dozen statements) and the relays' reads never hold a
    // connection a decision or a check is waiting for.
    const followers = options.project && config.databaseUrl ? await openDatabase(config, 'tally-projector', logger) : db;
    if (followers !== db) closers.unshift(() => followers.close());
    const followedStore = followers !== db && config.eventStore === 'postgres' ? await openEventStore(config, followers) : store;
    if (followedStore !== store) closers.unshift(() => followedStore.close());
    const metrics = new Metrics();
    const projection = projectionMetrics(metrics.registry, logger);
    const runner = new ProjectionRunner(followers, followedStore, PROJECTIONS, projection);
    await runner.init();
    projection.measureLag(() => runner.lagSeconds());
    const apiKeys = new ApiKeys(db, config.adminToken, (error) =>
      logger.warn({ err: error }, 'could not record when an API key was last used'),
    );
    await apiKeys.init();
    const endpoints = new WebhookEndpoints(db);
    await endpoints.init();
    const decisions = new AccountHandler(store, {
      defaultCredits: config.defaultCredits,
      maxBatch: 500,
      retry: { attempts: 50, baseDelayMs: 5 },
      onConflict: () => metrics.conflicts.inc(),
      cacheSize: config.accountCacheSize,
      soleWriter: config.eventStore === 'pglite',
      groupCommit: { ...HANDLER_DEFAULTS.groupCommit, onGroup: (n) => metrics.groupCommitStreams.observe(n) },
      onLoad: ({ snapshot, events }) => {
        metrics.accountLoads.inc({ from: snapshot ? 'snapshot' : 'streams' });
        metrics.accountLoadEvents.inc(events);
      },
      onSnapshotError: (error) => {
        metrics.snapshotErrors.inc();
        logger.warn({ err: error }, 'could not save an account snapshot');
      },
    });
    // Hourly: claims of decisions older than the 35-day duplicate window answer for nothing.
    const pruner = new ClaimsPruner(store, logger);
    pruner.start(60 * 60 * 1000);
    closers.unshift(async () => pruner.stop());
    // Meters and subject mappings for the deciding path, kept current by one change feed.
    const catalog = new CatalogCache(store, config.accountCacheSize, {
      onFeedError: (error) => logger.warn({ err: error }, 'the catalog change feed failed; subscribing again'),
    });
    catalog.start();
    closers.unshift(() => catalog.close());
    const kafka = config.kafkaBrokers ? await KafkaAdapter.connect(config, logger) : null;
    if (kafka) closers.unshift(() => kafka.close());
    let relay: OutboxRelay | null = null;
    if (options.project) {
      runner.start();
      closers.unshift(() => runner.stop());
      const outbox = await startOutbox(followers, followedStore, kafka, config, logger, metrics.registry);
      relay = outbox.relay;
      closers.unshift(() => outbox.stop());
    }
    return {
      config,
      logger,
      db,
      store,
      readModels: new ReadModels(db),
      runner,
      decisions,
      catalog,
      apiKeys,
      authenticator: new Authenticator(
        apiKeys,
        new FailureLimiter({ burst: config.auth.failureBurst, perMinute: config.auth.failuresPerMinute }),
        { failed: () => metrics.authFailures.inc(), limited: () => metrics.authLimited.inc() },
        config.http.trustedProxies,
      ),
      metrics,
      kafka,
      relay,
      webhooks: { endpoints, outbox: new WebhookOutbox(db), rule: new AddressRule(config.webhooks) },
      intake: null,
      async close() {
        for (const close of closers) await close();
      },
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
}
