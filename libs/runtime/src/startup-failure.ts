import { ConfigError } from './config';
import { EmbeddedDataError } from './embedded/pglite-upgrade';
import { createLogger } from './logger';

/**
 * Logs why a process could not start and exits 1. A mistake in the configuration or a port in
 * use is told in one sentence (the operator's to fix; a stack trace would only bury it); anything
 * unexpected keeps its stack.
 */
export function exitOnStartupFailure(name: string, error: unknown): never {
  const logger = createLogger('error', name);
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof ConfigError) logger.fatal(`configuration error: ${error.message}`);
  else if (error instanceof EmbeddedDataError) logger.fatal(error.message);
  else if (code === 'EADDRINUSE') {
    const port = (error as { port?: unknown }).port;
    logger.fatal(`port ${String(port ?? '')} is already in use: stop what listens there, or set another port`);
  } else logger.fatal({ err: error }, (error as Error).message);
  process.exit(1);
}
