import { Clock } from '@tally/api';
import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, type Client, type RunningTally } from '../support/tally';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(BACKENDS)('credit grants over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  let finance: Client;
  beforeAll(async () => {
    tally = await startTally(backend);
    finance = tally.admin.as((await tally.admin.post('/v1/api-keys', { name: 'finance', role: 'finance' })).body.token);
  });
  afterAll(() => tally.destroy());

  /** A fresh account and a meter costing `price` credits a unit. */
  async function pricedAccount(price = 1): Promise<{ account: string; meter: string }> {
    const [account, meter] = [unique('a'), unique('m')];
    expect((await tally.admin.put(`/v1/meters/${meter}`, { creditsPerUnit: price })).status).toBe(200);
    return { account, meter };
  }
  const grant = (account: string, body: Record<string, unknown>) => tally.admin.post(`/v1/accounts/${account}/credits`, body);
  const use = (account: string, meter: string, quantity: number, id?: string) =>
    tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity, ...(id ? { id } : {}) }));
  const grantsOf = async (account: string, query = '') =>
    (await tally.admin.get(`/v1/accounts/${account}/credits/grants${query}`)).body;

  it('grants with terms (201: the grant and the live balance), once per id, and lists grants in burn order', async () => {
    const { account, meter } = await pricedAccount();
    const expiresAt = inSeconds(3600);
    const promo = await grant(account, { id: 'promo', amount: 10, priority: 10, expiresAt, reason: 'promotion' });
    expect([promo.status, promo.body]).toEqual([
      201,
      {
        grant: {
          ...{ id: 'promo', amount: 10, remaining: 10, held: 0, priority: 10, effectiveAt: expect.any(String), expiresAt },
          ...{ voidedAt: null, reason: 'promotion', status: 'live' },
        },
        balance: 10,
      },
    ]);
    expect((await grant(account, { id: 'promo', amount: 99 })).body).toEqual(promo.body);
    expect((await grant(account, { id: 'paid', amount: 20 })).body).toMatchObject({
      balance: 30,
      grant: { priority: 50, expiresAt: null },
    });
    expect((await use(account, meter, 12)).status).toBe(200);
    await eventually(async () =>
      expect((await grantsOf(account)).map((g: { id: string; remaining: number }) => [g.id, g.remaining])).toEqual([
        ['promo', 0],
        ['paid', 18],
      ]),
    );
    expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toEqual({
      ...{ balance: 18, held: 0, granted: 30, spent: 12, expired: 0, voided: 0, nextExpiry: null, allowance: null },
    });
  });

  it('refuses bad grants with 400 naming the field', async () => {
    const account = unique('a');
    const now = inSeconds(0);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ amount: 0 }, 'amount'],
      [{ amount: 1.5 }, 'amount'],
      [{ amount: 5, priority: 0 }, 'priority'],
      [{ amount: 5, priority: 101 }, 'priority'],
      [{ amount: 5, effectiveAt: inSeconds(60), expiresAt: inSeconds(30) }, 'expiresAt'],
      [{ amount: 5, effectiveAt: now, expiresAt: now }, 'expiresAt'],
      [{ amount: 5, expiresAt: inSeconds(-60) }, 'expiresAt'],
      [{ amount: 5, expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ amount: 5, id: 'allowance:2026-11' }, 'id'],
    ];
    for (const [body, field] of cases) {
      const reply = await grant(account, body);
      expect([reply.status, reply.body.errors?.map((e: { field: string }) => e.field)]).toEqual([400, [field]]);
    }
  });

  it('expires a grant between two requests a few seconds apart: the remainder leaves the balance at its expiresAt', async () => {
    const { account, meter } = await pricedAccount();
    const expiresAt = inSeconds(4);
    // Tally's clock stands still before the expiry while the read models catch up (under load they
    // may lag past it), so that the first read is one taken before the expiry; then time runs again.
    const frozen = jest.spyOn(tally.app.get(Clock), 'now').mockReturnValue(new Date().toISOString());
    try {
      await grant(account, { id: 'short', amount: 5, expiresAt });
      const before = await use(account, meter, 3);
      expect(before.body).toMatchObject({ decision: 'accepted' });
      await eventually(async () =>
        expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
          balance: 2,
          nextExpiry: { at: expiresAt, amount: 2 },
        }),
      );
    } finally {
      frozen.mockRestore();
    }
    await sleep(Math.max(0, Date.parse(expiresAt) - Date.now()) + 200);
    // Read before any decision records it: the view derives it.
    expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
      balance: 0,
      expired: 2,
      nextExpiry: null,
    });
    const after = await use(account, meter, 1);
    expect([after.status, after.body.reason]).toEqual([402, 'INSUFFICIENT_CREDITS']);
    await eventually(async () =>
      expect((await grantsOf(account))[0]).toMatchObject({ id: 'short', remaining: 0, status: 'expired' }),
    );
    // As Tally knew it just before the expiry, the remainder was still there.
    const asOf = new Date(Date.parse(expiresAt) - 1).toISOString();
    expect((await tally.admin.get(`/v1/accounts/${account}/credits?asOf=${asOf}`)).body).toMatchObject({
      balance: 2,
      expired: 0,
    });
    expect((await grantsOf(account, `?asOf=${asOf}`))[0]).toMatchObject({ id: 'short', remaining: 2, status: 'live' });
  });

  it('voids a grant (200, the voided grant), refuses voiding twice (409) and an unknown grant (404)', async () => {
    const { account, meter } = await pricedAccount();
    await grant(account, { id: 'oops', amount: 10 });
    await grant(account, { id: 'paid', amount: 5, priority: 60 });
    await use(account, meter, 4);
    const voided = await tally.admin.post(`/v1/accounts/${account}/credits/grants/oops/void`, { reason: 'granted by mistake' });
    expect([voided.status, voided.body]).toEqual([
      200,
      expect.objectContaining({ id: 'oops', amount: 10, remaining: 0, status: 'voided', voidedAt: expect.any(String) }),
    ]);
    const twice = await tally.admin.post(`/v1/accounts/${account}/credits/grants/oops/void`, {});
    expect([twice.status, twice.body.code]).toEqual([409, 'GRANT_VOIDED']);
    const unknown = await tally.admin.post(`/v1/accounts/${account}/credits/grants/nope/void`, {});
    expect([unknown.status, unknown.body.code]).toEqual([404, 'GRANT_NOT_FOUND']);
    expect(unknown.body.detail).toContain('nope');
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({ balance: 5, voided: 6, spent: 4 }),
    );
  });

  it('refunds a reversal into the grants it drew from; a refund into a voided grant leaves with it', async () => {
    const { account, meter } = await pricedAccount();
    await grant(account, { id: 'gift', amount: 4, priority: 1 });
    await grant(account, { id: 'paid', amount: 10 });
    await use(account, meter, 6, 'job-1');
    await tally.admin.post(`/v1/accounts/${account}/credits/grants/gift/void`, {});
    const reversed = await tally.admin.post('/v1/usage/reversals', { source: 'test-service', id: 'job-1' });
    expect(reversed.status).toBe(200);
    await eventually(async () => {
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
        balance: 10,
        spent: 0,
        expired: 4,
      });
      expect((await grantsOf(account)).map((g: { id: string; remaining: number }) => [g.id, g.remaining])).toEqual([
        ['gift', 0],
        ['paid', 10],
      ]);
    });
  });

  it('burns a multi-item usage as one debit across two grants in burn order, and refunds both on its reversal', async () => {
    const { account, meter: input } = await pricedAccount(1);
    const { meter: output } = await pricedAccount(3);
    await grant(account, { id: 'promo', amount: 10, priority: 10 });
    await grant(account, { id: 'paid', amount: 20 });
    const items = [
      { meter: input, quantity: 8 },
      { meter: output, quantity: 2 },
    ];
    const event = usageEvent({ subject: account, meter: input, quantity: 1, id: unique('job') });
    const decided = await tally.admin.post('/v1/usage', { ...event, data: { items } });
    expect([decided.status, decided.body.decision]).toEqual([200, 'accepted']);
    const remaining = async () => (await grantsOf(account)).map((g: { id: string; remaining: number }) => [g.id, g.remaining]);
    await eventually(async () =>
      expect(await remaining()).toEqual([
        ['promo', 0],
        ['paid', 16],
      ]),
    );
    expect((await tally.admin.post('/v1/usage/reversals', { source: 'test-service', id: event.id })).status).toBe(200);
    await eventually(async () => {
      expect(await remaining()).toEqual([
        ['promo', 10],
        ['paid', 20],
      ]);
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({ balance: 30, spent: 0 });
    });
  });

  it('sets an allowance (issued at once for the current period) and removes it', async () => {
    const account = unique('a');
    const set = await tally.admin.put(`/v1/accounts/${account}/credits/allowance`, { amount: 100, per: 'day', priority: 5 });
    expect([set.status, set.body]).toEqual([200, { amount: 100, per: 'day', priority: 5 }]);
    const today = new Date().toISOString().slice(0, 10);
    await eventually(async () => {
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
        balance: 100,
        allowance: { amount: 100, per: 'day', priority: 5 },
      });
      expect(await grantsOf(account)).toMatchObject([{ id: `allowance:${today}`, amount: 100, priority: 5 }]);
    });
    const bad = await tally.admin.put(`/v1/accounts/${account}/credits/allowance`, { amount: 1, per: 'week' });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'per']);
    expect((await tally.admin.delete(`/v1/accounts/${account}/credits/allowance`)).status).toBe(204);
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({ balance: 100, allowance: null }),
    );
  });

  it('accepts exactly the affordable number of 100 concurrent usages drawing on several grants', async () => {
    const { account, meter } = await pricedAccount(2);
    await grant(account, { id: 'g1', amount: 30, priority: 1 });
    await grant(account, { id: 'g2', amount: 40, priority: 2, expiresAt: inSeconds(3600) });
    await grant(account, { id: 'g3', amount: 31 });
    const replies = await Promise.all(Array.from({ length: 100 }, () => use(account, meter, 1)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(50);
    expect(replies.filter((r) => r.status === 402)).toHaveLength(50);
    await eventually(async () => {
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({ balance: 1, spent: 100 });
      expect((await grantsOf(account)).map((g: { remaining: number }) => g.remaining)).toEqual([0, 0, 1]);
    });
  });

  it('exports the ledger of a month (finance; JSON and CSV) whose movements sum to the change in balance', async () => {
    const { account, meter } = await pricedAccount();
    await grant(account, { id: 'a', amount: 50 });
    await grant(account, { id: 'b', amount: 20, priority: 1 });
    await grant(account, { id: 'c', amount: 10, priority: 60 });
    await use(account, meter, 25, 'job-1');
    await use(account, meter, 5, 'job-2');
    await tally.admin.post('/v1/usage/reversals', { source: 'test-service', id: 'job-2' });
    await tally.admin.post(`/v1/accounts/${account}/credits/grants/a/void`, {});
    // The last decision: a grant that expires before the ledger is read, with no decision to record it.
    const expiresAt = inSeconds(3);
    await grant(account, { id: 'd', amount: 3, expiresAt });
    await sleep(Math.max(0, Date.parse(expiresAt) - Date.now()) + 200);
    const month = new Date().toISOString().slice(0, 7);
    const path = `/v1/credits/ledger?month=${month}&account=${account}`;
    await eventually(async () => expect((await finance.get(path)).body).toHaveLength(10));
    const rows = (await finance.get(path)).body as Array<{ kind: string; grant: string; amount: number; usage?: string }>;
    expect(rows.map((r) => [r.kind, r.grant, r.amount, r.usage ?? null])).toEqual([
      ['granted', 'a', 50, null],
      ['granted', 'b', 20, null],
      ['granted', 'c', 10, null],
      ['burnt', 'b', -20, 'test-service/job-1'],
      ['burnt', 'a', -5, 'test-service/job-1'],
      ['burnt', 'a', -5, 'test-service/job-2'],
      ['refunded', 'a', 5, 'test-service/job-2'],
      ['voided', 'a', -45, null],
      ['granted', 'd', 3, null],
      ['expired', 'd', -3, null],
    ]);
    const balance = (await tally.admin.get(`/v1/accounts/${account}/credits`)).body.balance;
    expect(balance).toBe(10);
    expect(rows.reduce((sum, r) => sum + r.amount, 0)).toBe(balance);
    const csv = await finance.get(path, { accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('account,at,kind,grant,amount,usage');
    expect(lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[4]), 0)).toBe(balance);
    const page = await finance.get(`${path}&limit=3`);
    expect(page.body).toHaveLength(3);
    const next = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1] as string;
    expect((await finance.get(next)).body).toEqual(rows.slice(3, 6));
    // Its cursor names a place among this account's rows of this month: sent for another account or month, a 400.
    const cursor = new URL(next, tally.url).searchParams.get('after');
    for (const query of [`month=${month}&account=${unique('other')}`, `month=2020-01&account=${account}`, 'month=2020-01']) {
      const reply = await finance.get(`/v1/credits/ledger?${query}&after=${cursor}`);
      expect([reply.status, reply.body.errors?.map((e: { field: string }) => e.field)]).toEqual([400, ['after']]);
    }
    expect(
      (await tally.admin.as((await tally.admin.post('/v1/api-keys', { name: 'p', role: 'producer' })).body.token).get(path))
        .status,
    ).toBe(403);
    expect((await finance.get('/v1/credits/ledger?month=2026-13')).status).toBe(400);
    // The account's next decision records the expiry (in the same append as its burn): still shown once.
    expect((await use(account, meter, 1, 'job-3')).body).toMatchObject({ decision: 'accepted' });
    await eventually(async () => {
      const recorded = (await finance.get(path)).body as typeof rows;
      expect(recorded.map((r) => [r.kind, r.grant, r.amount])).toEqual([
        ...rows.map((r) => [r.kind, r.grant, r.amount]),
        ['burnt', 'c', -1],
      ]);
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({ balance: 9, expired: 3 });
    });
  });
});
