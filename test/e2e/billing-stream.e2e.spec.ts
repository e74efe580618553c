import { readFileSync } from 'node:fs';
import { encodeBillingCursor } from '@tally/api';
import { PgClient } from '@tally/eventstore';
import { PROJECTIONS, ensureReadModelSchema } from '@tally/read-models';
import { createTestDatabase, describeIf, infra } from '../infra/infra';
import { apiProcess, type ApiProcess } from '../support/api-process';
import { buildPrivately, freePort } from '../support/processes';

const ACCOUNTS = 200_000;
const MONTH = '2026-10';
/**
 * The api runs with its V8 old space capped at 128 MiB: an export held in memory does not fit
 * (on main, billing grew the api by 216 MiB for half as many accounts; under this cap it dies),
 * a streamed one does.
 */
const HEAP_CAP_MIB = 128;
/**
 * What its resident memory may grow by meanwhile, whatever the number of accounts: V8 lets its
 * heap grow towards the cap before collecting hard, so the first large export raises the api's
 * RSS by some 60-120 MiB on this machine (measured after a warm-up of 20,000 lines: 60-80), and a
 * second one by about 1 MiB.
 */
const MEMORY_BOUND_MIB = 128;

/** Resident memory of a process, in MiB, from /proc (Linux). */
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

// Units of account i (1-based), and its amount at 0.25 per started block of 100 units, in cents.
const unitsOf = (i: number) => 1000 + (i % 500);
const amountOf = (i: number) => {
  const cents = Math.ceil(unitsOf(i) / 100) * 25;
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
};
const accountOf = (i: number) => `acct-${String(i).padStart(6, '0')}`;

describeIf(infra.postgresUrl, `billing for ${ACCOUNTS.toLocaleString('en')} accounts streams in bounded memory`, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: ApiProcess;

  beforeAll(async () => {
    const { main } = buildPrivately('billing-stream');
    database = await createTestDatabase();
    const db = new PgClient(database.url);
    try {
      await ensureReadModelSchema(db, PROJECTIONS);
      // The read model as the projector would leave it, written in bulk: one meter priced by
      // its default quota, and one line of use per account (calendar months: period = month).
      const terms = { limit: null, blockSize: 100, blockPrice: '0.25', includedUnits: 0, currency: 'EUR' };
      await db.query(`insert into meters_v1 (meter, doc) values ('api', $1::jsonb)`, [
        JSON.stringify({
          meter: 'api',
          description: null,
          creditsPerUnit: null,
          defaultQuota: terms,
          updatedAt: '2026-01-01T00:00:00.000Z',
          defaultQuotaHistory: [{ at: '2026-01-01T00:00:00.000Z', terms }],
        }),
      ]);
      await db.query(
        `insert into usage_periods_v1 (month, account, meter, period, doc)
         select $1, 'acct-' || lpad(i::text, 6, '0'), 'api', $1,
                jsonb_build_object('units', 1000 + i % 500, 'requests', 1, 'rejected', 0)
           from generate_series(1, $2::int) i`,
        [MONTH, ACCOUNTS],
      );
      await db.query('analyze usage_periods_v1');
    } finally {
      await db.close();
    }
    api = apiProcess(
      {
        DATABASE_URL: database.url,
        LOG_LEVEL: 'warn',
        PORT: String(await freePort()),
        NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MIB}`,
      },
      { apiOnly: true, main },
    );
    await api.start();
  }, 240_000);
  afterAll(async () => {
    await api?.kill('SIGKILL');
    await database?.drop();
  });

  const rowsRead = async () => {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    return Number(/^tally_export_rows_read_total\{export="billing"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };

  /** Downloads the export chunk by chunk (kept as text only to check it), sampling the api's memory meanwhile. */
  async function exportBilling(accept: string) {
    const pid = api.child().pid!;
    // Warm up before the baseline: the last tenth of the accounts streamed through the same
    // path, so that code, pools and the young generation reach their working size first.
    const tail = encodeBillingCursor({ account: accountOf(ACCOUNTS - ACCOUNTS / 10), meter: 'api' });
    const warmUp = await fetch(`${api.url}/v1/billing?month=${MONTH}&after=${tail}`, {
      headers: { authorization: `Bearer ${api.admin.token}`, accept },
    });
    expect((await warmUp.text()).length).toBeGreaterThan(ACCOUNTS);
    const readBefore = await rowsRead();
    const baseline = rssMiB(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 10);
    try {
      const response = await fetch(`${api.url}/v1/billing?month=${MONTH}`, {
        headers: { authorization: `Bearer ${api.admin.token}`, accept },
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      const first = await reader.read();
      // The first chunk is here: how many rows has the api read from the database so far?
      const readAtFirstChunk = (await rowsRead()) - readBefore;
      let text = decoder.decode(first.value, { stream: true });
      let bytes = first.value!.length;
      const chunks = [text];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        chunks.push(decoder.decode(value, { stream: true }));
      }
      text = chunks.join('');
      return { text, bytes, readAtFirstChunk, readInAll: (await rowsRead()) - readBefore, grewMiB: peak - baseline };
    } finally {
      clearInterval(sampler);
    }
  }

  it('as CSV: the first rows arrive before the last is read, and the api grows by less than the bound', async () => {
    const { text, bytes, readAtFirstChunk, readInAll, grewMiB } = await exportBilling('text/csv');
    console.log(
      `billing CSV of ${ACCOUNTS} accounts: ${(bytes / 2 ** 20).toFixed(1)} MiB; api RSS +${grewMiB.toFixed(1)} MiB; ` +
        `${readAtFirstChunk} rows read when the first chunk arrived`,
    );
    expect(readAtFirstChunk).toBeLessThan(ACCOUNTS);
    expect(readInAll).toBe(ACCOUNTS);
    expect(grewMiB).toBeLessThan(MEMORY_BOUND_MIB);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(ACCOUNTS + 1);
    expect(lines[0]).toBe(
      'account,meter,month,units,billableUnits,blocks,blockSize,blockPrice,amount,currency,periodStart,periodEnd',
    );
    for (const i of [1, 2, 777, ACCOUNTS]) {
      expect(lines[i]).toBe(
        `${accountOf(i)},api,${MONTH},${unitsOf(i)},${unitsOf(i)},${Math.ceil(unitsOf(i) / 100)},100,0.25,${amountOf(i)},EUR,,`,
      );
    }
  }, 120_000);

  it('as JSON: one array of every line, streamed the same way', async () => {
    const { text, readAtFirstChunk, readInAll, grewMiB } = await exportBilling('application/json');
    console.log(
      `billing JSON of ${ACCOUNTS} accounts: api RSS +${grewMiB.toFixed(1)} MiB; ${readAtFirstChunk} rows read at the first chunk`,
    );
    expect(readAtFirstChunk).toBeLessThan(ACCOUNTS);
    expect(readInAll).toBe(ACCOUNTS);
    expect(grewMiB).toBeLessThan(MEMORY_BOUND_MIB);
    const lines = JSON.parse(text) as Array<{ account: string; amount: string }>;
    expect(lines).toHaveLength(ACCOUNTS);
    expect(lines[ACCOUNTS - 1]).toMatchObject({ account: accountOf(ACCOUNTS), amount: amountOf(ACCOUNTS) });
  }, 120_000);
});
