import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { storage, type Store } from 'nestjs-pino/storage';
import { stdSerializers, type Level } from 'pino';
import type { Logger } from '@tally/runtime';
import { loggableUrl, type LoggedRequest } from './logger';

// W3C trace context: version-traceid-parentid-flags, nothing else.
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

// The deciding routes, called once per metered call of every producer: a line per success would
// be most of the log and a measurable share of their cost, so they log at debug (failures still
// warn); tally_http_requests_total and tally_decisions_total count them.
const HOT_ROUTE = /^\/v1\/usage(\/check)?\/?(\?|$)/;

// Answered without a request line (health checks and scrapes would be most of the log).
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The `req` of a log line: the id, method and URL, and the W3C trace context when the caller sent
 * one. The path is written as for a request that has not authenticated (the line's message has
 * the path as sent once it did), as when it was read on arrival.
 */
function requestFields(request: FastifyRequest): object {
  const traceparent = request.headers.traceparent;
  return {
    id: request.id,
    method: request.method,
    url: loggableUrl(request.raw as LoggedRequest, false),
    ...(typeof traceparent === 'string' && TRACEPARENT.test(traceparent) ? { traceparent } : {}),
  };
}

/** The level of a request's line: errors for 5xx, warnings for 4xx, debug for a decided usage, else info. */
function levelOf(request: FastifyRequest, res: ServerResponse, failed: boolean): Level {
  if (failed || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return request.method === 'POST' && HOT_ROUTE.test(request.url) ? 'debug' : 'info';
}

/**
 * What Nest's logger (nestjs-pino) writes through while a request is handled: the request's
 * logger, its `req` bound, made only when something is logged (most requests log nothing but
 * their line).
 */
class RequestScope {
  private bound: Logger | undefined;
  readonly responseLogger = undefined;

  constructor(
    private readonly base: Logger,
    private readonly request: FastifyRequest,
  ) {}

  get logger(): Logger {
    return (this.bound ??= this.base.child({ req: this.request }));
  }

  // PinoLogger.assign() binds more fields by replacing it.
  set logger(logger: Logger) {
    this.bound = logger;
  }
}

/**
 * One line per request, as pino-http wrote it under nestjs-pino: `req` (id, method, URL, trace
 * context), `res` (status, headers), `responseTime` and a message saying method, URL, status and
 * time (`… failed` with `err` for a 5xx), at the level of {@link levelOf}; none for /healthz,
 * /readyz and /metrics. Written when the response ends or the connection closes, and only when
 * the level is enabled: nothing is built for a line that would not be written. While the request
 * is handled, Nest's logger writes through a logger with its `req` bound.
 *
 * A Fastify hook, the first after Nest's own: Nest middleware (which nestjs-pino's request
 * logging is) would cost every request Fastify's middleware layer.
 */
export function logRequests(instance: FastifyInstance, logger: Logger): void {
  const base = logger.child(
    {},
    { serializers: { req: requestFields, res: stdSerializers.res, err: stdSerializers.err } },
  ) as Logger;
  const line = (request: FastifyRequest, res: ServerResponse, started: number, error: Error | undefined) => {
    const failed = error ?? (res as ServerResponse & { err?: Error }).err;
    const level = levelOf(request, res, failed !== undefined);
    if (!base.isLevelEnabled(level)) return;
    const responseTime = Date.now() - started;
    const { method } = request.raw;
    const url = loggableUrl(request.raw as LoggedRequest);
    if (failed !== undefined || res.statusCode >= 500) {
      const err = failed ?? new Error(`failed with status code ${res.statusCode}`);
      base[level]({ req: request, res, err, responseTime }, `${method} ${url} ${res.statusCode} failed`);
    } else {
      base[level]({ req: request, res, responseTime }, `${method} ${url} ${res.statusCode} (${Math.round(responseTime)} ms)`);
    }
  };
  instance.addHook('onRequest', (request, reply, done) => {
    const started = Date.now();
    const res = reply.raw;
    const quiet = QUIET_PATHS.has(request.url);
    const complete = (error?: Error) => {
      res.off('close', complete);
      res.off('finish', complete);
      res.off('error', complete);
      line(request, res, started, error);
    };
    if (!quiet) {
      res.on('close', complete);
      res.on('finish', complete);
    }
    res.on('error', complete);
    storage.run(new RequestScope(base, request) as unknown as Store, done);
  });
}
