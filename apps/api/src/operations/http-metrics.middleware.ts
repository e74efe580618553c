import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

/**
 * Counts and times every request by route pattern (never by raw path, which would explode the
 * label set). A middleware ahead of everything, not an interceptor, so that answers given before a
 * handler runs (401/403 from the guard, 413/415/400 from body checks) are counted too.
 */
export function httpMetrics(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer();
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ method: request.method, route });
      metrics.httpRequests.inc({ method: request.method, route, status: String(response.statusCode) });
    });
    next();
  };
}
