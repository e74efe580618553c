import { BACKENDS, startTally, storedEventCount, unique, usageEvent, type RunningTally } from '../support/tally';

describe.each(BACKENDS)('bad input over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  let account: string;
  let meter: string;
  beforeAll(async () => {
    tally = await startTally(backend);
    [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: null });
  });
  afterAll(() => tally.destroy());

  /** Sends a request and checks that it was refused with a problem document and appended nothing. */
  const refused = async (send: () => Promise<{ status: number; body: any; headers: Headers }>, status: number) => {
    const before = await storedEventCount(tally);
    const reply = await send();
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(await storedEventCount(tally)).toBe(before);
    return reply.body;
  };
  const good = () => usageEvent({ subject: account, meter, quantity: 1 });

  it.each([
    ['a zero quantity', { quantity: 0 }, 'data.quantity', 'at least 1'],
    ['a negative quantity', { quantity: -5 }, 'data.quantity', 'at least 1'],
    ['a fractional quantity', { quantity: 1.5 }, 'data.quantity', 'integer'],
    ['a quantity as a string', { quantity: '3' }, 'data.quantity', 'integer'],
  ])('refuses %s', async (_name, data, field, reason) => {
    const body = await refused(() => tally.admin.post('/v1/usage', { ...good(), data: { meter, ...data } }), 400);
    expect(body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field, reason: expect.stringContaining(reason) })]),
    );
  });

  it('refuses wrong types and unknown fields, naming each field', async () => {
    const body = await refused(
      () => tally.admin.post('/v1/usage', { ...good(), subject: 42, specversion: '0.3', Extra: true }),
      400,
    );
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['Extra', 'specversion', 'subject']);
    expect(body.errors).toContainEqual({ field: 'Extra', reason: 'unknown field' });
    expect(body.errors).toContainEqual({ field: 'subject', reason: 'subject must be a string' });
  });

  it('refuses a batch with one bad event as a whole', async () => {
    const body = await refused(() => tally.admin.post('/v1/usage', [good(), { ...good(), data: { meter, quantity: 0 } }]), 400);
    expect(body.errors).toEqual([expect.objectContaining({ field: '[1].data.quantity' })]);
    await refused(() => tally.admin.post('/v1/usage', []), 400);
    await refused(() => tally.admin.post('/v1/usage', Array.from({ length: 1001 }, good)), 400);
  });

  it('refuses malformed JSON and non-object bodies', async () => {
    expect(await refused(() => tally.admin.raw('POST', '/v1/usage', '{"specversion": "1.0",'), 400)).toMatchObject({
      code: 'MALFORMED_JSON',
    });
    expect(await refused(() => tally.admin.raw('POST', '/v1/usage', '"hello"'), 400)).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await refused(() => tally.admin.raw('PUT', `/v1/accounts/${account}/quotas/${meter}`, '{"limit":'), 400);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const huge = JSON.stringify([{ ...good(), source: 'x'.repeat(1024 * 1024) }]);
    expect(await refused(() => tally.admin.raw('POST', '/v1/usage', huge), 413)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it.each(['2026-13', '2026-1', 'November', '2026-11-01', ''])('refuses the month string %j', async (month) => {
    const body = await refused(() => tally.admin.get(`/v1/billing?month=${month}`), 400);
    expect(body.errors).toContainEqual(expect.objectContaining({ field: 'month' }));
    await refused(() => tally.admin.get(`/v1/accounts/${account}/usage?from=${month}&to=2026-11`), 400);
  });

  it('refuses a usage range that ends before it starts, and a bad decisions limit', async () => {
    await refused(() => tally.admin.get(`/v1/accounts/${account}/usage?from=2026-11&to=2026-10`), 400);
    await refused(() => tally.admin.get(`/v1/accounts/${account}/decisions?limit=abc`), 400);
    await refused(() => tally.admin.get(`/v1/accounts/${account}/decisions?limit=0`), 400);
  });

  it('refuses bad quota, meter, credit and key bodies', async () => {
    await refused(() => tally.admin.put(`/v1/accounts/${account}/quotas/q`, { limit: -1 }), 400);
    await refused(() => tally.admin.put(`/v1/accounts/${account}/quotas/q`, {}), 400);
    await refused(() => tally.admin.put(`/v1/accounts/${account}/quotas/q`, { limit: 5, blockPrice: 0.5 }), 400);
    await refused(() => tally.admin.put(`/v1/accounts/${account}/quotas/q`, { limit: 5, enforcement: 'strict' }), 400);
    await refused(() => tally.admin.patch(`/v1/accounts/${account}/quotas/${meter}`, {}), 400);
    await refused(() => tally.admin.put(`/v1/meters/${meter}`, { creditsPerUnit: 1.5 }), 400);
    await refused(() => tally.admin.put(`/v1/meters/${meter}`, { defaultQuota: { limit: 1, colour: 'red' } }), 400);
    await refused(() => tally.admin.post(`/v1/accounts/${account}/credits`, { amount: 0 }), 400);
    await refused(() => tally.admin.post('/v1/api-keys', { name: 'x', role: 'root' }), 400);
    await refused(() => tally.admin.put(`/v1/subjects/${unique('s')}`, { account: 'has/slash' }), 400);
    await refused(() => tally.admin.put('/v1/accounts/bad%2Fname/quotas/m', { limit: 1 }), 400);
  });
});
