import { eventually } from '../infra/infra';
import { BACKENDS, Client, startTally, unique, usageEvent, type RunningTally } from '../support/tally';

describe.each(BACKENDS)('account list and decision-log paging over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());

  const key = async (role: string) =>
    tally.admin.as((await tally.admin.post('/v1/api-keys', { name: role, role })).body.token as string);

  it('lists accounts by id with their quota count, balance and last decision, page by page', async () => {
    const prefix = unique('list');
    const [a, b, c] = ['a', 'b', 'c'].map((s) => `${prefix}-${s}`);
    const meter = unique('m');
    await tally.admin.put(`/v1/accounts/${a}/quotas/${meter}`, { limit: 10 });
    await tally.admin.put(`/v1/accounts/${a}/quotas/${unique('m')}`, { limit: 5 });
    const decided = await tally.admin.post('/v1/usage', usageEvent({ subject: a, meter, quantity: 2 }));
    await tally.admin.post(`/v1/accounts/${b}/credits`, { amount: 7 });
    await tally.admin.put(`/v1/accounts/${c}/quotas/${meter}`, { limit: 1 });

    const finance = await key('finance');
    await eventually(async () => {
      const first = await finance.get(`/v1/accounts?after=${prefix}&limit=2`);
      expect(first.status).toBe(200);
      expect(first.body).toEqual([
        { account: a, quotas: 2, balance: 0, lastDecisionAt: decided.body.decidedAt },
        { account: b, quotas: 0, balance: 7, lastDecisionAt: null },
      ]);
      const second = await finance.get(`/v1/accounts?after=${b}&limit=2`);
      expect(second.body[0]).toEqual({ account: c, quotas: 1, balance: 0, lastDecisionAt: null });
    });
    const all = (await tally.admin.get('/v1/accounts?limit=1000')).body.map((s: { account: string }) => s.account);
    expect(all).toEqual([...all].sort((x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)));
  });

  it('lists the balance the credits view shows: a pending grant joins it at its effectiveAt, without an event', async () => {
    const account = unique('pending');
    // Far enough ahead that both grants are projected before it on a loaded machine (8 s was not once).
    const effectiveAt = new Date(Date.now() + 15_000).toISOString();
    await tally.admin.post(`/v1/accounts/${account}/credits`, { amount: 7 });
    await tally.admin.post(`/v1/accounts/${account}/credits`, { id: 'later', amount: 5, effectiveAt });
    const listed = async () =>
      (await tally.admin.get(`/v1/accounts?after=${account.slice(0, -1)}&limit=1000`)).body as Array<{
        account: string;
        balance: number;
      }>;
    const balanceOf = async () => (await listed()).find((s) => s.account === account)?.balance;
    // Both grants recorded: `granted` counts the pending one only from its effectiveAt, so wait on the wallet row.
    await eventually(async () => expect((await tally.admin.get(`/v1/accounts/${account}/credits/grants`)).body).toHaveLength(2));
    expect(Date.now()).toBeLessThan(Date.parse(effectiveAt));
    expect(await balanceOf()).toBe(7);
    expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body.balance).toBe(7);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(effectiveAt) - Date.now() + 50));
    expect(await balanceOf()).toBe(12);
    expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body.balance).toBe(12);
  });

  it('refuses producers, bad cursors and bad limits', async () => {
    const producer: Client = await key('producer');
    expect((await producer.get('/v1/accounts')).status).toBe(403);
    for (const query of ['limit=0', 'limit=1001', 'limit=x', 'after=%00', 'extra=1']) {
      const reply = await tally.admin.get(`/v1/accounts?${query}`);
      expect([query, reply.status, reply.headers.get('content-type')]).toEqual([
        query,
        400,
        expect.stringContaining('application/problem+json'),
      ]);
    }
  });

  it('pages the decision log with before=<position>, newest first, without gaps or repeats', async () => {
    const [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = unique('u');
      ids.push(id);
      await tally.admin.post('/v1/usage', usageEvent({ id, subject: account, meter, quantity: 1 }));
    }
    const newestFirst = [...ids].reverse();
    await eventually(async () => {
      expect((await tally.admin.get(`/v1/accounts/${account}/decisions`)).body).toHaveLength(5);
    });
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 4; page++) {
      const path: string = `/v1/accounts/${account}/decisions?limit=2${before ? `&before=${before}` : ''}`;
      const reply = await tally.admin.get(path);
      expect(reply.status).toBe(200);
      for (const entry of reply.body) expect(entry.position).toEqual(expect.any(String));
      seen.push(...reply.body.map((d: { id: string }) => d.id));
      if (reply.body.length < 2) break;
      before = reply.body.at(-1).position;
    }
    expect(seen).toEqual(newestFirst);
  });

  it('refuses a position that no page gave', async () => {
    for (const before of ['abc', '12', '%00', `${'9'.repeat(20)}:x`]) {
      const reply = await tally.admin.get(`/v1/accounts/${unique('a')}/decisions?before=${before}`);
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([expect.objectContaining({ field: 'before' })]);
    }
  });
});
