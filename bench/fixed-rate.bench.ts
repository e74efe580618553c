import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { call, mib, startTallyProcess, TOKEN } from './support';

/** Latency at a steady rate, as a producer sees it (not at saturation). */
export interface FixedRateResult {
  rps: number;
  decision: SteadyRun;
  check: SteadyRun;
  /** RSS of the process (api + projector) after both runs. */
  rssMiB: number;
}

export interface SteadyRun {
  /** Latency from each request's scheduled send time to the end of its answer (2xx answers only). */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  achievedRps: number;
  /** Non-2xx answers and failed requests. */
  errors: number;
  /** Requests still unanswered 30 s after the last was sent (not counted in the latencies). */
  unanswered: number;
}

/**
 * `POST /v1/usage` (durable, PostgreSQL) and then `POST /v1/usage/check` at a steady `rps`
 * requests per second over HTTP, one event per request over 1,000 accounts, on the built
 * `npm start` (api + projector in one process).
 *
 * The load is open: request i is due at start + i/rps, sent then whatever earlier requests are
 * doing (over up to `connections` keep-alive connections; a request finding every connection busy
 * waits for one), and its latency runs from the time it was due. So a stall of the server, or of
 * this generator, counts against every request it delays (no coordinated omission). autocannon's
 * rate options do not give this: each connection sends its share of a second's requests back to
 * back at the start of the second and then waits, so 32 connections measure bursts at saturation.
 */
export async function runFixedRate(
  databaseUrl: string,
  rps: number,
  seconds: number,
  connections = 32,
): Promise<FixedRateResult> {
  const tally = await startTallyProcess({ DATABASE_URL: databaseUrl });
  try {
    await call(tally.url, 'PUT', '/v1/meters/bench', { defaultQuota: { limit: null } });
    let n = 0;
    const usage = () =>
      JSON.stringify({
        specversion: '1.0',
        id: randomUUID(),
        source: 'bench',
        type: 'metering.usage.v1',
        subject: `acct-${n++ % 1000}`,
        data: { meter: 'bench', quantity: 1 },
      });
    const run = (path: string, duration = seconds) => steady(new URL(path, tally.url), rps, duration, connections, usage);
    // The accounts exist before the measured runs (a first decision registers an account).
    await run('/v1/usage', Math.min(3, seconds));
    const decision = await run('/v1/usage');
    const check = await run('/v1/usage/check');
    return { rps, decision, check, rssMiB: mib(await tally.rssBytes()) };
  } finally {
    await tally.stop();
  }
}

/** Sends `rps` POSTs a second to `url` for `seconds`, each at its due time; see {@link runFixedRate}. */
export async function steady(
  url: URL,
  rps: number,
  seconds: number,
  connections: number,
  body: () => string,
): Promise<SteadyRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.round(rps * seconds);
  const interval = 1000 / rps;
  const latencies: number[] = [];
  let errors = 0;
  let settled = 0;
  let allSettled: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (allSettled = resolve));
  let lastAnswer = 0;
  const settle = () => {
    lastAnswer = performance.now();
    if (++settled === total) allSettled();
  };
  const send = (due: number) => {
    const payload = body();
    const req = request(
      url,
      {
        agent,
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
            latencies.push(performance.now() - due);
          } else errors++;
          settle();
        });
      },
    );
    req.on('error', () => {
      errors++;
      settle();
    });
    req.end(payload);
  };
  const start = performance.now() + 20;
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      // Everything due by now goes out now, each measured from its own due time.
      while (sent < total && start + sent * interval <= now) send(start + sent++ * interval);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
      else done();
    };
    setTimeout(tick, 20);
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, 30_000)))]);
  clearTimeout(timer);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies.length ? round(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]) : null;
  return {
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: at(1),
    // Over the time from the first due send to the last answer: a server that falls behind shows here too.
    achievedRps: latencies.length ? Math.round(latencies.length / ((lastAnswer - start) / 1000)) : 0,
    errors,
    unanswered: total - settled,
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
