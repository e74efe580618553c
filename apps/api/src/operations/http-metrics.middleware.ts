import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

type Labelled<T extends { labels(...values: string[]): unknown }> = ReturnType<T['labels']>;

/**
 * Counts and times every request by route pattern (never by raw path, which would explode the
 * label set). A middleware ahead of everything, not an interceptor, so that answers given before a
 * handler runs (401/403 from the guard, 413/415/400 from body checks) are counted too. The
 * labelled children are kept per label set (a few dozen: routes × methods × statuses), so a
 * request costs no label hashing.
 */
export function httpMetrics(metrics: Metrics) {
  const durations = new Map<string, Labelled<Metrics['httpDuration']>>();
  const counts = new Map<string, Labelled<Metrics['httpRequests']>>();
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const status = String(response.statusCode);
      const timed = `${request.method} ${route}`;
      let duration = durations.get(timed);
      if (!duration) durations.set(timed, (duration = metrics.httpDuration.labels(request.method, route)));
      duration.observe(seconds);
      const counted = `${timed} ${status}`;
      let count = counts.get(counted);
      if (!count) counts.set(counted, (count = metrics.httpRequests.labels(request.method, route, status)));
      count.inc();
    });
    next();
  };
}
