import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { call, mib, startTallyProcess, TOKEN } from './support';

/** Latency at a steady rate, as a producer sees it (not at saturation). */
export interface FixedRateResult {
  rps: number;
  decision: { p50Ms: number | null; p99Ms: number | null; achievedRps: number; errors: number };
  check: { p50Ms: number | null; p99Ms: number | null; achievedRps: number; errors: number };
  /** RSS of the process (api + projector) after both runs. */
  rssMiB: number;
}

/**
 * `POST /v1/usage` (durable, PostgreSQL) and then `POST /v1/usage/check` at a steady `rps`
 * requests per second over HTTP (autocannon's overall rate over `connections` connections), one
 * event per request over 1,000 accounts, on the built `npm start` (api + projector in one process).
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
    const run = async (path: string, duration = seconds) => {
      const result = await autocannon({
        url: `${tally.url}${path}`,
        method: 'POST',
        connections,
        overallRate: rps,
        duration,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify({
                specversion: '1.0',
                id: randomUUID(),
                source: 'bench',
                type: 'metering.usage.v1',
                subject: `acct-${n++ % 1000}`,
                data: { meter: 'bench', quantity: 1 },
              }),
            }),
          },
        ],
      });
      const ok = result['2xx'];
      return {
        p50Ms: ok > 0 ? result.latency.p50 : null,
        p99Ms: ok > 0 ? result.latency.p99 : null,
        achievedRps: Math.round(ok / duration),
        errors: result.non2xx + result.errors,
      };
    };
    // The accounts exist before the measured runs (a first decision registers an account).
    await run('/v1/usage', Math.min(3, seconds));
    const decision = await run('/v1/usage');
    const check = await run('/v1/usage/check');
    return { rps, decision, check, rssMiB: mib(await tally.rssBytes()) };
  } finally {
    await tally.stop();
  }
}
