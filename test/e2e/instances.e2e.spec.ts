import { describeIf, eventually, infra } from '../infra/infra';
import { startTally, unique, usageEvent, type RunningTally } from '../support/tally';

describeIf(infra.postgresUrl, 'two api instances on one PostgreSQL', () => {
  let first: RunningTally;
  let second: RunningTally;
  beforeAll(async () => {
    first = await startTally('postgres');
    second = await startTally('postgres', { location: first.location, project: false });
  });
  afterAll(async () => {
    await second.stop();
    await first.destroy();
  });

  it('accept exactly 100 of 200 concurrent requests of 10 units, split between them, against a hard limit of 1000', async () => {
    const [account, meter] = [unique('a'), unique('m')];
    await first.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 1000 });
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? first : second).admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 10 })),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(100);
    expect(replies.filter((r) => r.status === 402)).toHaveLength(100);
    const conflicts = async (tally: RunningTally) => {
      const line = (await tally.admin.as(null).get('/metrics')).text
        .split('\n')
        .find((l) => l.startsWith('tally_version_conflicts_total '));
      return Number(line?.split(' ')[1] ?? 0);
    };
    // The instances really raced: at least one batch lost to the other and was decided again.
    expect((await conflicts(first)) + (await conflicts(second))).toBeGreaterThan(0);
    await eventually(async () =>
      expect((await first.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({ usage: 1000 }),
    );
  });

  it('a rate limit holds across them too: its bucket is in the account, not in an instance', async () => {
    const [account, meter] = [unique('a'), unique('m')];
    // 50 at once, then one an hour: the test ends long before another token is back.
    await first.admin.put(`/v1/accounts/${account}/quotas/${meter}`, {
      limit: null,
      rateLimit: { units: 1, per: 'hour', burst: 50 },
    });
    const replies = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        (i % 2 ? first : second).admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 })),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(50);
    expect(replies.filter((r) => r.status === 429 && r.body.reason === 'RATE_LIMITED')).toHaveLength(70);
  });

  it('a subject re-mapped through one is decided for its new account by the other, which follows the change', async () => {
    const [subject, meter, before, after] = [unique('s'), unique('m'), unique('org'), unique('org')];
    await first.admin.put(`/v1/subjects/${subject}`, { account: before });
    // The second's catalog follows the store's changes (it need not read a cached subject again).
    await eventually(() => expect(second.runtime.catalog.following).toBe(true));
    const decided = async () => (await second.admin.post('/v1/usage', usageEvent({ subject, meter, quantity: 1 }))).body;
    await eventually(async () => expect(await decided()).toMatchObject({ account: before }));
    expect((await first.admin.put(`/v1/subjects/${subject}`, { account: after })).status).toBe(200);
    await eventually(async () => expect(await decided()).toMatchObject({ account: after }), 5_000);
  });

  it('credit balances hold too', async () => {
    const meter = unique('ocr');
    await first.admin.put(`/v1/meters/${meter}`, { creditsPerUnit: 3 });
    const account = unique('a');
    await first.admin.post(`/v1/accounts/${account}/credits`, { amount: 300 });
    const replies = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        (i % 2 ? first : second).admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 })),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(100);
    expect(replies.filter((r) => r.body.reason === 'INSUFFICIENT_CREDITS')).toHaveLength(50);
    await eventually(async () =>
      expect((await second.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
        balance: 0,
        held: 0,
        granted: 300,
        spent: 300,
      }),
    );
  });
});
