import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { call, mib, startTallyProcess, TOKEN } from './support';

export interface AccountsResult {
  /** Distinct accounts decided on. */
  accounts: number;
  seconds: number;
  /** Resident memory of the api (`start:api`) once every one of them was decided. */
  apiRssMiB: number;
}

const EVENTS_PER_REQUEST = 100;

/**
 * Decides one usage for each of `accounts` distinct accounts (batches of 100 over 8 connections)
 * on the api alone, then reads its resident memory: the caches must stay bounded however many
 * accounts the api has seen.
 */
export async function runManyAccounts(
  databaseUrl: string,
  accounts: number,
  env: Record<string, string> = {},
): Promise<AccountsResult> {
  const api = await startTallyProcess({ DATABASE_URL: databaseUrl, ...env }, 'api');
  try {
    await call(api.url, 'PUT', '/v1/meters/bench', { defaultQuota: { limit: null } });
    let next = 0;
    const event = () => ({
      specversion: '1.0',
      id: randomUUID(),
      source: 'bench',
      type: 'metering.usage.v1',
      subject: `many-${next++}`,
      data: { meter: 'bench', quantity: 1 },
    });
    const started = Date.now();
    const result = await autocannon({
      url: `${api.url}/v1/usage`,
      method: 'POST',
      connections: 8,
      amount: Math.ceil(accounts / EVENTS_PER_REQUEST),
      timeout: 60,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      requests: [
        { setupRequest: (request) => ({ ...request, body: JSON.stringify(Array.from({ length: EVENTS_PER_REQUEST }, event)) }) },
      ],
    });
    if (result.non2xx + result.errors > 0)
      throw new Error(`${result.non2xx + result.errors} requests failed deciding ${accounts} accounts`);
    return {
      accounts: result['2xx'] * EVENTS_PER_REQUEST,
      seconds: (Date.now() - started) / 1000,
      apiRssMiB: mib(await api.rssBytes()),
    };
  } finally {
    await api.stop();
  }
}
