import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, type RunningTally } from '../support/tally';

const thisMonth = () => new Date().toISOString().slice(0, 7);

describe.each(BACKENDS)('reports, billing and reversals over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());

  const record = (account: string, meter: string, quantity: number, extra: Partial<Parameters<typeof usageEvent>[0]> = {}) =>
    tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity, ...extra }));

  it('reports monthly use per meter and per subject, with rejections counted', async () => {
    const [org, meter] = [unique('org'), unique('m')];
    await tally.admin.put(`/v1/accounts/${org}/quotas/${meter}`, { limit: 10 });
    const [alice, bob] = [unique('alice'), unique('bob')];
    for (const s of [alice, bob]) await tally.admin.put(`/v1/subjects/${s}`, { account: org });
    await record(alice, meter, 4);
    await record(bob, meter, 5);
    await record(bob, meter, 5);
    const month = thisMonth();
    await eventually(async () => {
      const total = await tally.admin.get(`/v1/accounts/${org}/usage?from=${month}&to=${month}`);
      expect(total.body).toEqual([{ month, meter, units: 9, requests: 2, rejected: 1 }]);
    });
    const bySubject = await tally.admin.get(`/v1/accounts/${org}/usage?from=2000-01&to=${month}&groupBy=subject`);
    expect(bySubject.body).toEqual(
      [
        { month, meter, subject: alice, units: 4, requests: 1, rejected: 0 },
        { month, meter, subject: bob, units: 5, requests: 1, rejected: 1 },
      ].sort((a, b) => a.subject.localeCompare(b.subject)),
    );
  });

  it('bills blocks beyond the included units at the block price, as JSON and CSV', async () => {
    const [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, {
      limit: null,
      blockSize: 1000,
      blockPrice: '0.10',
      includedUnits: 1000,
      currency: 'EUR',
    });
    await record(account, meter, 2500);
    await record(account, meter, 1);
    const month = thisMonth();
    const line = {
      account,
      meter,
      month,
      units: 2501,
      billableUnits: 1501,
      blocks: 2,
      blockSize: 1000,
      blockPrice: '0.10',
      amount: '0.20',
      currency: 'EUR',
    };
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/billing?month=${month}&account=${account}`)).body).toEqual([line]),
    );
    const csv = await tally.admin.get(`/v1/billing?month=${month}&account=${account}`, { accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.trim().split('\n')).toEqual([
      'account,meter,month,units,billableUnits,blocks,blockSize,blockPrice,amount,currency,periodStart,periodEnd',
      `${account},${meter},${month},2501,1501,2,1000,0.10,0.20,EUR,,`,
    ]);
  });

  it('keeps an audit log of every decision, newest first', async () => {
    const [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 2 });
    const ids = [unique('u'), unique('u'), unique('u')];
    for (const id of ids) await record(account, meter, 1, { id });
    await eventually(async () => {
      const log = (await tally.admin.get(`/v1/accounts/${account}/decisions?limit=2`)).body;
      expect(log.map((d: { id: string; decision: string }) => [d.id, d.decision])).toEqual([
        [ids[2], 'rejected'],
        [ids[1], 'accepted'],
      ]);
      expect(log[0]).toMatchObject({ account, meter, quantity: 1, reason: 'QUOTA_EXCEEDED', reversedAt: null });
    });
  });

  it('reverses an accepted usage once: usage and credits come back, a second reversal changes nothing', async () => {
    const meter = unique('ocr');
    await tally.admin.put(`/v1/meters/${meter}`, { creditsPerUnit: 2, defaultQuota: { limit: 10 } });
    const account = unique('a');
    await tally.admin.post(`/v1/accounts/${account}/credits`, { amount: 20 });
    const id = unique('u');
    await record(account, meter, 4, { id, source: 'ocr-svc' });
    const first = await tally.admin.post('/v1/usage/reversals', { source: 'ocr-svc', id, reason: 'customer refund' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      account,
      source: 'ocr-svc',
      id,
      meter,
      quantity: 4,
      creditsRefunded: 8,
      reason: 'customer refund',
    });
    const second = await tally.admin.post('/v1/usage/reversals', { source: 'ocr-svc', id });
    expect(second.body).toEqual(first.body);
    await eventually(async () => {
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
        balance: 20,
        held: 0,
        granted: 20,
        spent: 0,
      });
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({ usage: 0, remaining: 10 });
      const month = thisMonth();
      expect((await tally.admin.get(`/v1/accounts/${account}/usage?from=${month}&to=${month}`)).body).toEqual([
        { month, meter, units: 0, requests: 0, rejected: 0 },
      ]);
      expect((await tally.admin.get(`/v1/accounts/${account}/decisions`)).body[0]).toMatchObject({
        id,
        reversalReason: 'customer refund',
        reversedAt: expect.any(String),
      });
    });
  });

  it('answers 404 for an unknown usage and 409 for a rejected one', async () => {
    expect((await tally.admin.post('/v1/usage/reversals', { source: 'nobody', id: unique('u') })).body).toMatchObject({
      status: 404,
      code: 'USAGE_NOT_FOUND',
    });
    const [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 0 });
    const id = unique('u');
    await record(account, meter, 1, { id });
    expect((await tally.admin.post('/v1/usage/reversals', { source: 'test-service', id })).body).toMatchObject({
      status: 409,
      code: 'USAGE_NOT_ACCEPTED',
    });
  });
});
