import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { call, mib, startTallyProcess, TOKEN, waitUntil } from './support';

export interface HttpResult {
  scenario: string;
  requests: number;
  eventsPerSecond: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  catchUpMs: number;
  rss: string;
}

interface Scenario {
  name: string;
  env: Record<string, string>;
  accounts: number;
  /** Events per request: 1 sends one CloudEvent, more sends an array. */
  batch: number;
  connections: number;
  seconds: number;
}

/**
 * Drives POST /v1/usage on a server process with autocannon (every request a new id, so
 * every request is decided and appended), then measures how long the read models take to
 * show every accepted unit.
 */
export async function runHttpScenario(s: Scenario): Promise<HttpResult> {
  const tally = await startTallyProcess(s.env);
  try {
    const meter = 'bench';
    await call(tally.url, 'PUT', `/v1/meters/${meter}`, { defaultQuota: { limit: null } });
    const event = (i: number) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: 'bench',
      type: 'metering.usage.v1',
      subject: `acct-${i % s.accounts}`,
      data: { meter, quantity: 1 },
    });
    let n = 0;
    const result = await autocannon({
      url: `${tally.url}/v1/usage`,
      method: 'POST',
      connections: s.connections,
      duration: s.seconds,
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
    const ok = result['2xx'];
    const month = new Date().toISOString().slice(0, 7);
    const catchUpMs = await waitUntil(async () => {
      const lines = (await call(tally.url, 'GET', `/v1/billing?month=${month}`)) as Array<{ units: number }>;
      const total = lines.reduce((sum, l) => sum + l.units, 0);
      return total >= ok * s.batch;
    });
    return {
      scenario: s.name,
      requests: result.requests.total,
      eventsPerSecond: Math.round((ok * s.batch) / s.seconds),
      p50ms: result.latency.p50,
      p99ms: result.latency.p99,
      errors: result.non2xx + result.errors,
      catchUpMs,
      rss: mib(await tally.rssBytes()),
    };
  } finally {
    await tally.stop();
  }
}
