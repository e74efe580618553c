import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdSerializers } from 'pino';
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

// Query parameters whose values may be secrets: a client that put its token in the URL.
const SECRET_PARAM = /token|key|secret|password|auth|signature/i;

/** The URL as it may be logged: values of secret-looking query parameters replaced. */
export function loggableUrl(url: string | undefined): string {
  if (!url || !url.includes('?')) return url ?? '';
  const [path, query] = url.split('?', 2);
  const params = query.split('&').map((pair) => {
    const name = pair.split('=', 1)[0];
    return SECRET_PARAM.test(decodeSafely(name)) ? `${name}=[redacted]` : pair;
  });
  return `${path}?${params.join('&')}`;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// The deciding routes, called once per metered call of every producer: a line per success would
// be most of the log and a measurable share of their cost, so they log at debug (failures still
// warn); tally_http_requests_total and tally_decisions_total count them.
const HOT_ROUTE = /^\/v1\/usage(\/check)?\/?(\?|$)/;

function isHotRoute(req: IncomingMessage): boolean {
  return req.method === 'POST' && HOT_ROUTE.test(req.url ?? '');
}

/** nestjs-pino options: Nest's own logs and one line per request, through the same logger. */
export function loggerOptions(logger: Logger): Params {
  return {
    pinoHttp: {
      logger,
      genReqId: requestId,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      customSuccessMessage: (req, res, ms) => `${req.method} ${loggableUrl(req.url)} ${res.statusCode} (${Math.round(ms)} ms)`,
      customErrorMessage: (req, res) => `${req.method} ${loggableUrl(req.url)} ${res.statusCode} failed`,
      customLogLevel: (req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : isHotRoute(req) ? 'debug' : 'info',
      // The request line's `req` read straight off the request: pino-http's wrapping would first
      // copy it into pino's full shape (reading Express's lazy `query` getter, the socket, ...) on
      // every request, only for this serializer to keep four fields of it.
      wrapSerializers: false,
      serializers: {
        // The W3C trace context, when the caller sent one, ties the line to its trace.
        req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({
          id: req.id,
          method: req.method,
          url: loggableUrl(req.originalUrl || req.url),
          ...(req.headers.traceparent ? { traceparent: req.headers.traceparent } : {}),
        }),
        res: stdSerializers.res,
        err: stdSerializers.err,
      },
    },
  };
}
