import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

const HANDLED = 'tallyHandled';

type Labelled<T extends { labels(...values: string[]): unknown }> = ReturnType<T['labels']>;

/**
 * Counts and times every request by route pattern (never by raw path, which would explode the
 * label set). The first hook of all, not an interceptor, so that answers given before a handler
 * runs (401/403 from the guard, 413/415/400 from body checks) are counted too: a request answered
 * before its route's handlers (the body checks) is `unmatched`, as it was; timed to the end
 * of the Node response, so that a streamed export (which takes the response over) is too. The
 * labelled children are kept per label set (a few dozen: routes × methods × statuses), so a
 * request costs no label hashing.
 */
export function httpMetrics(instance: FastifyInstance, metrics: Metrics): void {
  const durations = new Map<string, Labelled<Metrics['httpDuration']>>();
  const counts = new Map<string, Labelled<Metrics['httpRequests']>>();
  // Declared on the request's shape (as Fastify asks), set once the route's handlers are reached.
  instance.decorateRequest(HANDLED, false);
  instance.addHook('preHandler', (request, _reply, done) => {
    (request as unknown as Record<typeof HANDLED, boolean>)[HANDLED] = true;
    done();
  });
  instance.addHook('onRequest', (request, reply, done) => {
    const started = process.hrtime.bigint();
    const method = request.method;
    reply.raw.once('finish', () => {
      const route =
        (request as unknown as Record<typeof HANDLED, boolean>)[HANDLED] && !request.is404
          ? (request.routeOptions.url ?? 'unmatched')
          : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = String(reply.raw.statusCode);
      const timed = `${method} ${route}`;
      let duration = durations.get(timed);
      if (!duration) durations.set(timed, (duration = metrics.httpDuration.labels(method, route)));
      duration.observe(seconds);
      const counted = `${timed} ${status}`;
      let count = counts.get(counted);
      if (!count) counts.set(counted, (count = metrics.httpRequests.labels(method, route, status)));
      count.inc();
    });
    done();
  });
}
