import type { LoggerService } from '@nestjs/common';

// Nest's own start-up chatter: modules initialised and every route mapped, one line each.
const STARTUP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * Nest's logger with its start-up lines moved to debug: a person starting Tally sees what
 * Tally says (where it listens, the admin token), not thirty route mappings; LOG_LEVEL=debug
 * shows them again.
 */
export function quietStartup(inner: LoggerService): LoggerService {
  const isStartup = (params: unknown[]) => STARTUP_CONTEXTS.has(params.at(-1) as string);
  return {
    log: (message: unknown, ...params: unknown[]) =>
      isStartup(params) ? inner.debug?.(message, ...params) : inner.log(message, ...params),
    error: (message: unknown, ...params: unknown[]) => inner.error(message, ...params),
    warn: (message: unknown, ...params: unknown[]) => inner.warn(message, ...params),
    debug: (message: unknown, ...params: unknown[]) => inner.debug?.(message, ...params),
    verbose: (message: unknown, ...params: unknown[]) => inner.verbose?.(message, ...params),
    fatal: (message: unknown, ...params: unknown[]) => inner.fatal?.(message, ...params),
  };
}
