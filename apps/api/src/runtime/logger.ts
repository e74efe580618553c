import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Logger } from '@tally/runtime';

/** The header a request id travels in, both ways. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

// An id a proxy or the caller chose is kept if it has the form of one (a UUID, or 16 to 32 hex
// digits as nginx's $request_id): anything else, a token sent there included, is replaced.
const USABLE_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,32})$/i;

/** The request's id: the caller's `X-Request-Id` if usable, else a new UUID (Fastify's `genReqId`). */
export function newRequestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && USABLE_ID.test(given) ? given : randomUUID();
}

/** The query parameters Tally reads: their values are logged; any other parameter's never are. */
const KNOWN_PARAMS: ReadonlySet<string> = new Set([
  'after',
  'limit',
  'before',
  'asOf',
  'from',
  'to',
  'groupBy',
  'granularity',
  'month',
  'account',
]);
// A parameter name that is not Tally's is logged only if it reads as a name (short, no digits):
// a token sent as a name (`?tly_…=1`) is not.
const PLAIN_NAME = /^[A-Za-z_-]{1,24}$/;
// A path segment is logged as sent only if it reads as a word (`v1`, `accounts`, `api-keys`).
const PLAIN_SEGMENT = /^(?:v1|[a-z][a-z-]{0,23})$/;

/** What the request log needs of a request: the Node request, as Fastify leaves it once answered (its key set by the guard). */
export type LoggedRequest = IncomingMessage & {
  originalUrl?: string;
  apiKey?: unknown;
};

/**
 * The URL as it may be logged, whatever a client put in it. The path: as sent once the request
 * authenticated (a client with a key gets its own account names in the log), else with each
 * segment that is not a plain word replaced with a star (a token in the path is never logged);
 * `pathAsSent` says which. The query: values of Tally's own parameters kept, every other
 * parameter's value replaced with `[redacted]`, and its name too unless it is a plain name.
 */
export function loggableUrl(
  req: LoggedRequest | string | undefined,
  pathAsSent = typeof req !== 'object' || Boolean(req.apiKey),
): string {
  const url = typeof req === 'string' ? req : (req?.originalUrl ?? req?.url ?? '');
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  const shown = pathAsSent ? path : plainSegments(path);
  if (mark < 0) return shown;
  const params = url
    .slice(mark + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const name = decodeSafely(pair.split('=', 1)[0]);
      if (KNOWN_PARAMS.has(name)) return pair;
      return PLAIN_NAME.test(name) ? `${name}=[redacted]` : '[redacted]';
    });
  return `${shown}?${params.join('&')}`;
}

function plainSegments(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment === '' || PLAIN_SEGMENT.test(segment) ? segment : '*'))
    .join('/');
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** nestjs-pino's options: Nest's own lines through the same logger; the request lines are Fastify hooks' (request-log.ts), so no Nest middleware. */
export function nestLoggerParams(logger: Logger): Params {
  return { pinoHttp: { logger }, forRoutes: [] };
}
