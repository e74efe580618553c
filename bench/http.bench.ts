import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { call, mib, startTallyProcess, TOKEN, waitUntil } from './support';

export interface HttpResult {
  scenario: string;
  requests: number;
  /**
   * Events decided per second (for the check route: answers per second), counting only requests
   * answered within the run; null when not one was (a figure of 0 would claim nothing was decided).
   */
  eventsPerSecond: number | null;
  /** Latency of the answered requests; null when none was answered. */
  p50Ms: number | null;
  p99Ms: number | null;
  /** Requests still unanswered when the run stopped (decided or not, they are not counted). */
  unanswered: number;
  errors: number;
  /** After the load stopped, until the read models showed every accepted unit (null for checks). */
  catchUpMs: number | null;
  rssMiB: number;
  /**
   * CPU (user + system) the server process spent per decided event during the run, in
   * milliseconds: what the path costs, whatever else the shared machine runs (throughput is not).
   */
  cpuMsPerEvent: number | null;
}

export interface HttpScenario {
  name: string;
  env: Record<string, string>;
  accounts: number;
  /** Events per request: 1 sends one CloudEvent, more sends an array. */
  batch: number;
  connections: number;
  seconds: number;
  /** `/v1/usage` decides and appends; `/v1/usage/check` is the dry run. */
  path?: '/v1/usage' | '/v1/usage/check';
  /** Run before the load, once the meter is defined (accounts `acct-0` … `acct-{accounts - 1}` take the usage). */
  setup?: (url: string, meter: string) => Promise<void>;
}

/** A third of the measured run, from 1 to 3 s: the warm-up before each HTTP scenario. */
export const warmUpSeconds = (seconds: number): number => Math.min(3, Math.max(1, Math.round(seconds / 3)));

/**
 * Drives a usage route on a server process with autocannon (every request a new id, so every
 * request is decided and, on `/v1/usage`, appended) after a warm-up that is not measured, then measures how long the read models
 * take to show every accepted unit.
 */
export async function runHttpScenario(s: HttpScenario): Promise<HttpResult> {
  const path = s.path ?? '/v1/usage';
  const tally = await startTallyProcess(s.env);
  try {
    const meter = 'bench';
    await call(tally.url, 'PUT', `/v1/meters/${meter}`, { defaultQuota: { limit: null } });
    await s.setup?.(tally.url, meter);
    const event = (i: number) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: 'bench',
      type: 'metering.usage.v1',
      subject: `acct-${i % s.accounts}`,
      data: { meter, quantity: 1 },
    });
    let n = 0;
    const load = (route: string, duration: number) =>
      autocannon({
        url: `${tally.url}${route}`,
        method: 'POST',
        connections: s.connections,
        duration,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify(s.batch === 1 ? event(n++) : Array.from({ length: s.batch }, () => event(n++))),
            }),
          },
        ],
      });
    // Warm-up, not measured: the same load on `/v1/usage`, so that the accounts exist and are loaded
    // (a check is made on an account that has usage) and the JIT has compiled the path, as in a
    // process that has been serving. Its accepted units count in the catch-up below.
    const warm = await load('/v1/usage', warmUpSeconds(s.seconds));
    const cpuBefore = (await tally.metric('process_cpu_seconds_total')) ?? 0;
    const result = await load(path, s.seconds);
    const ok = result['2xx'];
    const cpuSeconds = ((await tally.metric('process_cpu_seconds_total')) ?? 0) - cpuBefore;
    const month = new Date().toISOString().slice(0, 7);
    const catchUpMs =
      path === '/v1/usage/check'
        ? null
        : await waitUntil(async () => {
            const lines = (await call(tally.url, 'GET', `/v1/billing?month=${month}`)) as Array<{ units: number }>;
            return lines.reduce((sum, l) => sum + l.units, 0) >= (warm['2xx'] + ok) * s.batch;
          });
    return {
      scenario: s.name,
      requests: result.requests.total,
      eventsPerSecond: ok > 0 ? Math.round((ok * s.batch) / s.seconds) : null,
      p50Ms: ok > 0 ? result.latency.p50 : null,
      p99Ms: ok > 0 ? result.latency.p99 : null,
      unanswered: Math.max(0, ((result.requests as { sent?: number }).sent ?? 0) - result.requests.total),
      errors: result.non2xx + result.errors,
      catchUpMs,
      rssMiB: mib(await tally.rssBytes()),
      cpuMsPerEvent: ok > 0 ? Math.round((1e6 * cpuSeconds) / (ok * s.batch)) / 1000 : null,
    };
  } finally {
    await tally.stop();
  }
}
