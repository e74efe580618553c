import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, type RunningTally } from '../support/tally';

const DAY = 86_400_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe.each(BACKENDS)('usage decisions over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend, { env: { METERING_DEFAULT_CREDITS: '5' } });
  });
  afterAll(() => tally.destroy());

  const withQuota = async (quota: Record<string, unknown>, meter = unique('meter')) => {
    const account = unique('acct');
    expect((await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, quota)).status).toBe(200);
    return { account, meter };
  };

  it('accepts within a hard limit (200) and rejects past it (402) with QUOTA_EXCEEDED', async () => {
    const { account, meter } = await withQuota({ limit: 10 });
    const first = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 7 }));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      account,
      subject: account,
      meter,
      quantity: 7,
      decision: 'accepted',
      usage: 7,
      limit: 10,
      remaining: 3,
      overage: 0,
    });
    const second = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 4 }));
    expect(second.status).toBe(402);
    expect(second.body).toMatchObject({ decision: 'rejected', reason: 'QUOTA_EXCEEDED', usage: 7, remaining: 3 });
  });

  it('accepts past a soft limit and reports the overage', async () => {
    const { account, meter } = await withQuota({ limit: 5, enforcement: 'soft' });
    const reply = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 8 }));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ decision: 'accepted', usage: 8, overage: 3, remaining: 0 });
  });

  it('rejects a disabled meter, a meter without quota, late and future events', async () => {
    const disabled = await withQuota({ limit: 0 });
    const open = await withQuota({ limit: null });
    const cases: Array<[Record<string, unknown>, string]> = [
      [usageEvent({ subject: disabled.account, meter: disabled.meter, quantity: 1 }), 'METER_DISABLED'],
      [usageEvent({ subject: unique('acct'), meter: unique('nothing'), quantity: 1 }), 'NO_QUOTA'],
      [usageEvent({ subject: open.account, meter: open.meter, quantity: 1, time: iso(-36 * DAY) }), 'TOO_LATE'],
      [usageEvent({ subject: open.account, meter: open.meter, quantity: 1, time: iso(10 * 60_000) }), 'IN_FUTURE'],
    ];
    for (const [event, reason] of cases) {
      const reply = await tally.admin.post('/v1/usage', event);
      expect([reply.status, reply.body.reason]).toEqual([402, reason]);
    }
    const late = await tally.admin.post(
      '/v1/usage',
      usageEvent({ subject: open.account, meter: open.meter, quantity: 1, time: iso(-34 * DAY) }),
    );
    expect(late.status).toBe(200);
  });

  it('debits credits per unit, starting new accounts with the default credits, and rejects INSUFFICIENT_CREDITS', async () => {
    const meter = unique('ocr');
    await tally.admin.put(`/v1/meters/${meter}`, { creditsPerUnit: 2 });
    const account = unique('acct');
    const ok = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 2 }));
    expect(ok.status).toBe(200);
    const broke = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 }));
    expect([broke.status, broke.body.reason]).toEqual([402, 'INSUFFICIENT_CREDITS']);
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
        balance: 1,
        held: 0,
        granted: 5,
        spent: 4,
      }),
    );
  });

  it('returns the original decision for a duplicate and counts nothing', async () => {
    const { account, meter } = await withQuota({ limit: 100 });
    const event = usageEvent({ subject: account, meter, quantity: 30 });
    const first = await tally.admin.post('/v1/usage', event);
    const again = await tally.admin.post('/v1/usage', { ...event, data: { meter, quantity: 50 } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    await eventually(async () => {
      const [quota] = (await tally.admin.get(`/v1/accounts/${account}/quotas`)).body;
      expect(quota.usage).toBe(30);
    });
  });

  it('decides an array in order, answering 200 with every decision', async () => {
    const { account, meter } = await withQuota({ limit: 5 });
    const events = [3, 3, 2].map((quantity) => usageEvent({ subject: account, meter, quantity }));
    const reply = await tally.admin.post('/v1/usage', events);
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((d: { decision: string; id: string }) => [d.id, d.decision])).toEqual([
      [events[0].id, 'accepted'],
      [events[1].id, 'rejected'],
      [events[2].id, 'accepted'],
    ]);
  });

  it('pools a mapped subject into its organisation account', async () => {
    const { account: org, meter } = await withQuota({ limit: 10 });
    const [alice, bob] = [unique('alice'), unique('bob')];
    for (const subject of [alice, bob])
      expect((await tally.admin.put(`/v1/subjects/${subject}`, { account: org })).status).toBe(200);
    expect((await tally.admin.post('/v1/usage', usageEvent({ subject: alice, meter, quantity: 6 }))).body).toMatchObject({
      account: org,
      subject: alice,
      decision: 'accepted',
    });
    expect((await tally.admin.post('/v1/usage', usageEvent({ subject: bob, meter, quantity: 6 }))).body).toMatchObject({
      account: org,
      reason: 'QUOTA_EXCEEDED',
    });
  });

  it('answers a dry run without changing anything', async () => {
    const { account, meter } = await withQuota({ limit: 10 });
    await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 8 }));
    const event = usageEvent({ subject: account, meter, quantity: 3 });
    const check = await tally.admin.post('/v1/usage/check', event);
    expect(check.status).toBe(200);
    expect(check.body).toEqual({ allowed: false, reason: 'QUOTA_EXCEEDED', usage: 8, limit: 10, remaining: 2 });
    const fits = await tally.admin.post('/v1/usage/check', usageEvent({ subject: account, meter, quantity: 2 }));
    expect(fits.body).toEqual({ allowed: true, usage: 10, limit: 10, remaining: 0 });
    // The checked request was never recorded: deciding it now is a first decision, not a duplicate.
    expect((await tally.admin.post('/v1/usage', { ...event, data: { meter, quantity: 2 } })).body).toMatchObject({
      decision: 'accepted',
      quantity: 2,
    });
  });

  it('accepts exactly 100 of 200 concurrent requests of 10 units against a hard limit of 1000', async () => {
    const { account, meter } = await withQuota({ limit: 1000 });
    const replies = await Promise.all(
      Array.from({ length: 200 }, () => tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 10 }))),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(100);
    expect(replies.filter((r) => r.status === 402 && r.body.reason === 'QUOTA_EXCEEDED')).toHaveLength(100);
    await eventually(async () => {
      const [quota] = (await tally.admin.get(`/v1/accounts/${account}/quotas`)).body;
      expect(quota).toMatchObject({ usage: 1000, remaining: 0 });
    });
  });
});
