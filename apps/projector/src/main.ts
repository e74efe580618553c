import { createServer } from 'node:http';
import { ConfigError, createLogger, exitOnStartupFailure, loadConfig, logProcessWarnings } from '@tally/runtime';
import { startProjector } from './projector';

/**
 * `npm run start:projector`: keeps the read models in PostgreSQL up to date and, with
 * KAFKA_BROKERS, relays decisions to Kafka, as its own process; serves /healthz, /readyz and
 * /metrics on PROJECTOR_PORT.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'tally-projector');
  logProcessWarnings(logger);
  if (!config.databaseUrl) {
    throw new ConfigError('start:projector runs beside the api and needs DATABASE_URL (PGlite is one process only)');
  }
  const projector = await startProjector(config, logger);
  const server = createServer(async (req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'Content-Type': projector.registry.contentType }).end(await projector.registry.metrics());
    } else if (req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
    } else if (req.url === '/readyz') {
      const ready = await projector.ready();
      res
        .writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ready' : 'not ready' }));
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(config.projectorPort, config.host, () =>
    logger.info({ host: config.host, port: config.projectorPort }, `projector operations endpoint listening on ${config.host}`),
  );

  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 9000).unref();
    server.close();
    await projector.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => exitOnStartupFailure('tally-projector', error));
