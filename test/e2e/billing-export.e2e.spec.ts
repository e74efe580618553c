import type { BillingLine } from '@tally/domain';
import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, type RunningTally } from '../support/tally';

const thisMonth = () => new Date().toISOString().slice(0, 7);
const next = (link: string | null) => (link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined);

describe.each(BACKENDS)('billing export: pages and streams (%s)', (backend) => {
  let tally: RunningTally;
  const month = thisMonth();
  const prefix = unique('bill');
  const accounts = ['a', 'b', 'c', 'd', 'e'].map((s) => `${prefix}-${s}`);
  const meter = unique('m');
  let all: BillingLine[];

  beforeAll(async () => {
    tally = await startTally(backend);
    for (const [i, account] of accounts.entries()) {
      await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: null, blockSize: 1, blockPrice: '0.10' });
      await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: i + 1 }));
    }
    await eventually(async () => {
      const lines = (await tally.admin.get(`/v1/billing?month=${month}`)).body as BillingLine[];
      expect(lines.filter((l) => l.account.startsWith(prefix))).toHaveLength(accounts.length);
    });
    all = (await tally.admin.get(`/v1/billing?month=${month}`)).body;
  });
  afterAll(() => tally.destroy());

  it('streams every line in order of account and meter, the amounts exact strings', () => {
    const ours = all.filter((l) => l.account.startsWith(prefix));
    expect(ours.map((l) => [l.account, l.units, l.amount])).toEqual(accounts.map((a, i) => [a, i + 1, `0.${i + 1}0`]));
    const keys = all.map((l) => [l.account, l.meter]);
    expect(keys).toEqual([...keys].sort((x, y) => (x[0] === y[0] ? (x[1] < y[1] ? -1 : 1) : x[0] < y[0] ? -1 : 1)));
  });

  it('pages with limit, each page naming the next by an opaque cursor, until the last has no Link', async () => {
    const pages: BillingLine[][] = [];
    let path: string | undefined = `/v1/billing?month=${month}&limit=2`;
    while (path) {
      const reply = await tally.admin.get(path);
      expect(reply.status).toBe(200);
      expect(reply.body.length).toBeLessThanOrEqual(2);
      pages.push(reply.body);
      path = next(reply.headers.get('link'));
    }
    expect(pages.flat()).toEqual(all);
    expect(pages.at(-1)!.length).toBeGreaterThan(0);

    // The same pages as CSV, for one account, each with its header row.
    const first = await tally.admin.get(`/v1/billing?month=${month}&account=${accounts[0]}&limit=1`, { accept: 'text/csv' });
    expect(first.text.trim().split('\n')).toEqual([
      'account,meter,month,units,billableUnits,blocks,blockSize,blockPrice,amount,currency,periodStart,periodEnd',
      `${accounts[0]},${meter},${month},1,1,1,1,0.10,0.10,USD,,`,
    ]);
    expect(first.headers.get('link')).toBeNull();
  });

  it('streams what follows a cursor when given no limit', async () => {
    const page = await tally.admin.get(`/v1/billing?month=${month}&limit=1`);
    const rest = await tally.admin.get(
      `/v1/billing?month=${month}&after=${new URL(next(page.headers.get('link'))!, tally.url).searchParams.get('after')}`,
    );
    expect([...page.body, ...rest.body]).toEqual(all);
  });

  it('answers 400 naming the field for a cursor it did not make and a limit out of range', async () => {
    for (const [query, field] of [
      ['after=not-a-cursor!', 'after'],
      [`after=${Buffer.from('["x"]').toString('base64url')}`, 'after'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=1e2', 'limit'],
      // A cursor of another account's lines would skip every line of this one, or none, without a word.
      [`account=${accounts[0]}&after=${Buffer.from(JSON.stringify([accounts[1], meter])).toString('base64url')}`, 'after'],
    ]) {
      const reply = await tally.admin.get(`/v1/billing?month=${month}&${query}`);
      expect(reply.status).toBe(400);
      expect(new Set(reply.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set([field]));
    }
  });

  it('cuts the connection when reading fails after the first byte, so a truncated export never looks whole', async () => {
    const readModels = tally.runtime.readModels;
    const spy = jest.spyOn(readModels, 'billingPages').mockImplementation(async function* () {
      yield all.slice(0, 1);
      // The next page's query fails a moment later, once the first has left.
      await new Promise((resolve) => setTimeout(resolve, 200));
      throw new Error('the database went away');
    });
    try {
      for (const accept of ['application/json', 'text/csv']) {
        const response = await fetch(`${tally.url}/v1/billing?month=${month}`, {
          headers: { authorization: `Bearer ${tally.admin.token}`, accept },
        });
        expect(response.status).toBe(200);
        await expect(response.text()).rejects.toThrow();
      }
    } finally {
      spy.mockRestore();
    }
    // And a failure before the first byte is an ordinary problem.
    const before = jest.spyOn(readModels, 'billingPages').mockImplementation(async function* () {
      throw new Error('the database went away');
    });
    try {
      const reply = await tally.admin.get(`/v1/billing?month=${month}`);
      expect(reply.status).toBe(500);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      before.mockRestore();
    }
  });
});
