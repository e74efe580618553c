import { Clock } from '@tally/api';
import { eventually } from '../infra/infra';
import { BACKENDS, startTally, storedEventCount, unique, usageEvent, withQuota, type RunningTally } from '../support/tally';
import { holdEvent } from './hold-event';

describe.each(BACKENDS)('rate limits over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  let now: number;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());
  beforeEach(() => {
    // Decision time is the clock's: tests move it by hand, so the bucket's arithmetic is exact.
    now = Date.now() - 60_000;
    jest.spyOn(tally.app.get(Clock), 'now').mockImplementation(() => new Date(now).toISOString());
  });
  afterEach(() => jest.restoreAllMocks());

  const use = (account: string, meter: string, quantity = 1) =>
    tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity }));

  it('stores the rate limit with its burst, shows it in the quota, and answers a usage over it 429 with Retry-After', async () => {
    const { account, meter } = await withQuota(tally, { limit: null, rateLimit: { units: 5, per: 'second' } });
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body.rateLimit).toEqual({
        units: 5,
        per: 'second',
        burst: 5,
      }),
    );

    for (let i = 0; i < 5; i++) expect((await use(account, meter)).status).toBe(200);
    const limited = await use(account, meter);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toMatchObject({ decision: 'rejected', reason: 'RATE_LIMITED', retryAfterMs: 200, usage: 5 });

    // The audit log keeps it as it was answered.
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/decisions`)).body).toContainEqual(
        expect.objectContaining({ id: limited.body.id, reason: 'RATE_LIMITED', retryAfterMs: 200 }),
      ),
    );

    // 400 ms later two tokens are back, not three.
    now += 400;
    expect((await use(account, meter, 3)).status).toBe(429);
    expect((await use(account, meter, 2)).status).toBe(200);
  });

  it('gives Retry-After in whole seconds, rounded up', async () => {
    const { account, meter } = await withQuota(tally, { limit: null, rateLimit: { units: 2, per: 'minute' } });
    expect((await use(account, meter, 2)).status).toBe(200);
    now += 10_500;
    const limited = await use(account, meter);
    expect([limited.status, limited.body.retryAfterMs, limited.headers.get('retry-after')]).toEqual([429, 19_500, '20']);
  });

  it('answers a quantity above the burst 429 without Retry-After: no wait would admit it', async () => {
    const { account, meter } = await withQuota(tally, { limit: null, rateLimit: { units: 10, per: 'hour', burst: 3 } });
    const limited = await use(account, meter, 4);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.body).toMatchObject({ reason: 'RATE_LIMITED' });
    expect(limited.body).not.toHaveProperty('retryAfterMs');
  });

  it('checks without taking tokens or writing anything, and reports RATE_LIMITED once the bucket is empty', async () => {
    const { account, meter } = await withQuota(tally, { limit: 100, rateLimit: { units: 1, per: 'hour' } });
    const check = () => tally.admin.post('/v1/usage/check', usageEvent({ subject: account, meter, quantity: 1 }));
    const before = await storedEventCount(tally);
    for (let i = 0; i < 3; i++) expect((await check()).body).toMatchObject({ allowed: true });
    expect(await storedEventCount(tally)).toBe(before);

    expect((await use(account, meter)).status).toBe(200);
    now += 60_000;
    const refused = await check();
    expect([refused.status, refused.body]).toEqual([
      200,
      { allowed: false, reason: 'RATE_LIMITED', usage: 1, limit: 100, remaining: 99, retryAfterMs: 3_540_000 },
    ]);
  });

  it('answers a batch 200 with a RATE_LIMITED result among the others', async () => {
    const { account, meter } = await withQuota(tally, { limit: null, rateLimit: { units: 2, per: 'second' } });
    const batch = await tally.admin.post(
      '/v1/usage',
      [1, 2, 3].map(() => usageEvent({ subject: account, meter, quantity: 1 })),
    );
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r: { decision: string; reason?: string }) => r.reason ?? r.decision)).toEqual([
      'accepted',
      'accepted',
      'RATE_LIMITED',
    ]);
    expect(batch.body.results[2].retryAfterMs).toBe(500);
  });

  it('takes tokens when a reservation is held, answering a held request over the rate 429', async () => {
    const { account, meter } = await withQuota(tally, { limit: null, rateLimit: { units: 3, per: 'second' } });
    expect((await tally.admin.post('/v1/reservations', holdEvent({ subject: account, meter, quantity: 3 }))).status).toBe(201);
    const limited = await tally.admin.post('/v1/reservations', holdEvent({ subject: account, meter, quantity: 1 }));
    expect([limited.status, limited.headers.get('retry-after'), limited.body.reason]).toEqual([429, '1', 'RATE_LIMITED']);
    expect((await use(account, meter)).status).toBe(429);
  });

  it("holds accounts without a quota of their own to the meter's default rate limit", async () => {
    const meter = unique('m');
    const defined = await tally.admin.put(`/v1/meters/${meter}`, {
      defaultQuota: { limit: null, rateLimit: { units: 1, per: 'minute', burst: 2 } },
    });
    expect(defined.body.defaultQuota.rateLimit).toEqual({ units: 1, per: 'minute', burst: 2 });
    const account = unique('a');
    expect((await use(account, meter, 2)).status).toBe(200);
    const limited = await use(account, meter);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '60']);
  });

  it('changes or removes the rate limit with PATCH (null: none)', async () => {
    const { account, meter } = await withQuota(tally, { limit: null, rateLimit: { units: 1, per: 'hour' } });
    const path = `/v1/accounts/${account}/quotas/${meter}`;
    expect((await tally.admin.patch(path, { rateLimit: { units: 4, per: 'minute', burst: 8 } })).body.rateLimit).toEqual({
      units: 4,
      per: 'minute',
      burst: 8,
    });
    expect((await tally.admin.patch(path, { rateLimit: null })).body.rateLimit).toBeNull();
    for (let i = 0; i < 12; i++) expect((await use(account, meter)).status).toBe(200);
  });

  describe('bad rate limits are 400, naming the field, and store nothing', () => {
    const refusals: Array<[string, unknown, string]> = [
      ['an unknown per', { units: 5, per: 'day' }, 'rateLimit.per'],
      ['a burst below 1', { units: 5, per: 'second', burst: 0 }, 'rateLimit.burst'],
      ['units below 1', { units: 0, per: 'second' }, 'rateLimit.units'],
      ['fractional units', { units: 1.5, per: 'second' }, 'rateLimit.units'],
      ['a fractional burst', { units: 5, per: 'second', burst: 2.5 }, 'rateLimit.burst'],
      ['units as a string', { units: '5', per: 'second' }, 'rateLimit.units'],
      ['no units', { per: 'second' }, 'rateLimit.units'],
      ['a null burst', { units: 5, per: 'second', burst: null }, 'rateLimit.burst'],
      ['an unknown field', { units: 5, per: 'second', window: 3 }, 'rateLimit.window'],
      ['a rate limit that is not an object', 'fast', 'rateLimit'],
    ];

    it.each(refusals)('refuses %s on PUT, PATCH and a meter default', async (_name, rateLimit, field) => {
      const { account, meter } = await withQuota(tally, { limit: 10 });
      const before = await storedEventCount(tally);
      const replies = [
        await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 10, rateLimit }),
        await tally.admin.patch(`/v1/accounts/${account}/quotas/${meter}`, { rateLimit }),
        await tally.admin.put(`/v1/meters/${unique('m')}`, { defaultQuota: { limit: 10, rateLimit } }),
      ];
      expect(replies.map((r) => r.status)).toEqual([400, 400, 400]);
      // Each refusal names the field (with every rule it breaks), and nothing else.
      const fields = replies.map((r) => [...new Set(r.body.errors.map((e: { field: string }) => e.field))]);
      expect(fields).toEqual([[field], [field], [`defaultQuota.${field}`]]);
      expect(await storedEventCount(tally)).toBe(before);
    });
  });
});
