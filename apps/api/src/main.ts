import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, createLogger, exitOnStartupFailure, isPretty, loadConfig, logProcessWarnings } from '@tally/runtime';
import { embeddedAdminToken } from './admin-token';
import type { AddressInfo } from 'node:net';
import { generatedTokenNotice, listeningAt, startBanner, type EmbeddedAdmin } from './start-banner';
import { createHttpApp } from './http-app';
import { startKafkaIntake } from './kafka-intake/start-kafka-intake';
import { openRuntime } from './runtime/runtime';

/**
 * `npm start`: api and projector in one process (embedded on PGlite when DATABASE_URL is
 * unset). `npm run start:api` passes --api-only: the projector then runs as its own process.
 */
async function main(): Promise<void> {
  const apiOnly = process.argv.includes('--api-only');
  const config = loadConfig();
  const logger = createLogger(config.logLevel, apiOnly ? 'tally-api' : 'tally', undefined, config.logFormat);
  logProcessWarnings(logger);
  const pretty = isPretty(config.logFormat);
  if (apiOnly && !config.databaseUrl) {
    throw new ConfigError('start:api runs without the projector and needs DATABASE_URL (the projector shares it)');
  }
  let admin: EmbeddedAdmin | null = null;
  if (!config.adminToken && !config.databaseUrl) {
    admin = embeddedAdminToken(config.dataDir);
    config.adminToken = admin.token;
  }
  if (!config.adminToken) logger.warn('METERING_ADMIN_TOKEN is not set: only API keys already created will work');

  // PGlite takes several seconds to create a database: say so rather than sit silent.
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'pglite'))) {
    logger.info(`creating the database in ${config.dataDir} (first start, a few seconds)…`);
  }
  const runtime = await openRuntime(config, logger, { project: !apiOnly });
  const app = await createHttpApp(runtime);
  await app.listen(config.port, config.host);
  const intake = await startKafkaIntake(app, runtime, (error) => {
    logger.fatal({ err: error }, 'exiting: the Kafka consumer cannot be restarted');
    process.exit(1);
  });
  const at = listeningAt(app.getHttpServer().address() as AddressInfo);
  const mode = config.databaseUrl ? 'postgres' : 'embedded';
  // Last, together, and never through the logs: where to go, and the token shown this once.
  if (pretty) {
    process.stdout.write(startBanner(at, admin));
  } else {
    logger.info(
      { url: at.url, host: config.host, docs: `${at.url}/docs`, mode, eventStore: config.eventStore, projector: !apiOnly },
      `Tally listening on ${at.where}`,
    );
    process.stderr.write(generatedTokenNotice(admin));
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Whatever hangs (a broker that does not answer), the process is gone within 10 s; offsets
    // not committed by then are redelivered, and decisions are idempotent.
    setTimeout(() => {
      logger.error('shutdown did not finish within 9 s; exiting');
      process.exit(1);
    }, 9000).unref();
    // Intake first: the consumer finishes its slice and commits before anything it needs closes.
    await intake?.stop();
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => exitOnStartupFailure('tally', error));
