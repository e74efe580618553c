import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent } from '../support/tally';

describe.each(BACKENDS)('state across a restart (%s)', (backend) => {
  it('keeps quotas, usage, credits, read models and idempotency', async () => {
    const first = await startTally(backend);
    const [account, meter] = [unique('a'), unique('m')];
    await first.admin.put(`/v1/meters/${meter}`, { creditsPerUnit: 1 });
    await first.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 10 });
    await first.admin.post(`/v1/accounts/${account}/credits`, { amount: 50 });
    const event = usageEvent({ subject: account, meter, quantity: 6 });
    const original = await first.admin.post('/v1/usage', event);
    expect(original.status).toBe(200);
    await eventually(async () => expect((await first.admin.get(`/v1/accounts/${account}/credits`)).body.balance).toBe(44));
    await first.stop();

    const second = await startTally(backend, { location: first.location });
    try {
      const duplicate = await second.admin.post('/v1/usage', event);
      expect(duplicate.body).toEqual(original.body);
      const over = await second.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 5 }));
      expect(over.body).toMatchObject({ decision: 'rejected', reason: 'QUOTA_EXCEEDED', usage: 6 });
      const fits = await second.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 4 }));
      expect(fits.body).toMatchObject({ decision: 'accepted', usage: 10 });
      await eventually(async () => {
        expect((await second.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
          balance: 40,
          held: 0,
          granted: 50,
          spent: 10,
        });
        expect((await second.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({
          usage: 10,
          remaining: 0,
        });
        expect((await second.admin.get(`/v1/accounts/${account}/decisions`)).body).toHaveLength(3);
      });
    } finally {
      await second.destroy();
    }
  });
});
