import autocannon from 'autocannon';
import { Client } from 'pg';
import { call, mib, startTallyProcess, TOKEN, type TallyProcess } from './support';

export interface AccountScaleResult {
  /** Usages decided on the one account. */
  usages: number;
  seconds: number;
  /** Resident memory of the api (`start:api`) once they were all decided. */
  rssMiB: number;
  /** After a restart, the first decision for the account: its answer time, and what its load read. */
  coldLoadMs: number;
  coldLoad: { fromSnapshot: number; fromStreams: number; eventsRead: number };
  /** The account's first usage redelivered after the restart: answered with its original decision. */
  repeatAnsweredOriginal: boolean;
  /** And counted nothing: the period's usage after it, as the next decision reports it. */
  usageAfterRepeat: number;
  /** The same dry runs answered alike after every snapshot was deleted (another restart). */
  sameAnswersWithoutSnapshots: boolean;
}

const CONNECTIONS = 4;

/** A labelled counter's value from the process's /metrics. */
async function counter(api: TallyProcess, line: string): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.split(' ')[1]) : 0;
}

const event = (id: string, quantity = 1) => ({
  specversion: '1.0',
  id,
  source: 'scale',
  type: 'metering.usage.v1',
  subject: 'scale-account',
  data: { meter: 'scale', quantity },
});

/**
 * Issue 19's scenario: `usages` usages on ONE account through the api alone (`start:api`,
 * PostgreSQL, batches of `batch` (1,000, the most a request takes) over 4 connections), then its resident memory; a restart, and
 * the account's first decision after it (time, and what the load read: a snapshot and a short
 * tail, from the api's own counters); its first usage redelivered; and, after deleting every
 * snapshot and restarting again, the same dry runs answered alike.
 */
export async function runAccountScale(databaseUrl: string, usages: number, batch = 1000): Promise<AccountScaleResult> {
  let live: TallyProcess | null = null;
  const start = async () => (live = await startTallyProcess({ DATABASE_URL: databaseUrl }, 'api'));
  const stop = async () => {
    const running = live;
    live = null;
    await running?.stop();
  };
  let api = await start();
  try {
    await call(api.url, 'PUT', '/v1/meters/scale', { defaultQuota: { limit: null } });
    const first = await call(api.url, 'POST', '/v1/usage', event('u-0'));
    let next = 1;
    const batchOf = () => {
      const size = Math.min(batch, usages - next);
      const events = Array.from({ length: size }, () => event(`u-${next++}`));
      return JSON.stringify(events);
    };
    const started = Date.now();
    const result = await autocannon({
      url: `${api.url}/v1/usage`,
      method: 'POST',
      connections: CONNECTIONS,
      amount: Math.ceil((usages - 1) / batch),
      timeout: 120,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      requests: [{ setupRequest: (request) => ({ ...request, body: batchOf() }) }],
    });
    if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx + result.errors} requests failed`);
    const seconds = (Date.now() - started) / 1000;
    const rssMiB = mib(await api.rssBytes());
    // Snapshots are saved after the answers: let the last one land before the restart.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stop();

    api = await start();
    const cold = Date.now();
    const fresh = await call(api.url, 'POST', '/v1/usage', event('after-restart'));
    const coldLoadMs = Date.now() - cold;
    const coldLoad = {
      fromSnapshot: await counter(api, 'tally_account_loads_total{from="snapshot"}'),
      fromStreams: await counter(api, 'tally_account_loads_total{from="streams"}'),
      eventsRead: await counter(api, 'tally_account_load_events_total'),
    };
    const repeat = await call(api.url, 'POST', '/v1/usage', event('u-0'));
    const after = await call(api.url, 'POST', '/v1/usage/check', event('probe'));
    const probes = [event('u-1'), event('probe'), event('big', 7)];
    const probed = async () => {
      const answers: unknown[] = [];
      for (const probe of probes) answers.push(await call(api.url, 'POST', '/v1/usage/check', probe));
      return answers;
    };
    const withSnapshots = await probed();
    await stop();

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query('delete from tally_snapshots');
    await db.end();
    api = await start();
    // One at a time: the first folds the whole month (no snapshot), the others find it cached.
    const withoutSnapshots = await probed();
    return {
      usages,
      seconds,
      rssMiB,
      coldLoadMs,
      coldLoad,
      repeatAnsweredOriginal: JSON.stringify(repeat) === JSON.stringify(first) && fresh.decision === 'accepted',
      usageAfterRepeat: after.usage,
      sameAnswersWithoutSnapshots: JSON.stringify(withSnapshots) === JSON.stringify(withoutSnapshots),
    };
  } finally {
    await stop();
  }
}
