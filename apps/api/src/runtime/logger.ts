import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Logger } from '@tally/runtime';

/** The header a request id travels in, both ways. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

// An id a proxy or the caller chose is kept if it is short printable text; anything else is replaced.
const USABLE_ID = /^[\x21-\x7e]{1,128}$/;

/** The request's id: the caller's `X-Request-Id` if usable, else a new UUID; echoed on the response. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && USABLE_ID.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** nestjs-pino options: Nest's own logs and one line per request, through the same logger. */
export function loggerOptions(logger: Logger): Params {
  return {
    pinoHttp: {
      logger,
      genReqId: requestId,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      customSuccessMessage: (req, res, ms) => `${req.method} ${req.url} ${res.statusCode} (${Math.round(ms)} ms)`,
      customErrorMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode} failed`,
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        // The W3C trace context, when the caller sent one, ties the line to its trace.
        req: (req: { method: string; url: string; id: unknown; headers: Record<string, string | undefined> }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          ...(req.headers.traceparent ? { traceparent: req.headers.traceparent } : {}),
        }),
      },
    },
  };
}
