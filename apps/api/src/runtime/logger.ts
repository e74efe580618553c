import type { Params } from 'nestjs-pino';
import type { Logger } from '@tally/runtime';

/** nestjs-pino options: Nest's own logs and one line per request, through the same logger. */
export function loggerOptions(logger: Logger): Params {
  return {
    pinoHttp: {
      logger,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: req.url }),
      },
    },
  };
}
