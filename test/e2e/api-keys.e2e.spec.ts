import { eventually } from '../infra/infra';
import { BACKENDS, startTally, storedEventCount, unique, usageEvent, type RunningTally } from '../support/tally';

describe.each(BACKENDS)('API keys bound to sources (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());

  const createKey = async (fields: { name: string; role: string; source?: string }) => {
    const reply = await tally.admin.post('/v1/api-keys', fields);
    expect(reply.status).toBe(201);
    return { ...reply.body, client: tally.admin.as(reply.body.token) };
  };

  it("refuses (403) a key reporting under another service's source, so the real usage still counts", async () => {
    const [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: null });
    const geocoder = await createKey({ name: 'geocoder', role: 'producer', source: 'geocoder' });
    const other = await createKey({ name: 'billing-svc', role: 'producer', source: 'billing-svc' });
    expect(geocoder.source).toBe('geocoder');

    const before = await storedEventCount(tally);
    const claim = await other.client.post(
      '/v1/usage',
      usageEvent({ source: 'geocoder', id: 'job-42', subject: account, meter, quantity: 1 }),
    );
    expect(claim.status).toBe(403);
    expect(claim.body).toMatchObject({ code: 'SOURCE_NOT_ALLOWED' });
    expect(await storedEventCount(tally)).toBe(before);

    const real = await geocoder.client.post(
      '/v1/usage',
      usageEvent({ source: 'geocoder', id: 'job-42', subject: account, meter, quantity: 600 }),
    );
    expect(real.body).toMatchObject({ decision: 'accepted', quantity: 600, usage: 600 });
  });

  it('binds batches, dry runs and reversals too', async () => {
    const [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: null });
    const bound = await createKey({ name: 'ocr', role: 'producer', source: 'ocr' });
    const good = usageEvent({ source: 'ocr', subject: account, meter, quantity: 1 });
    const foreign = usageEvent({ source: 'geocoder', subject: account, meter, quantity: 1 });
    expect((await bound.client.post('/v1/usage', [good, foreign])).status).toBe(403);
    expect((await bound.client.post('/v1/usage/check', foreign)).status).toBe(403);
    expect((await bound.client.post('/v1/usage', [good])).status).toBe(200);

    const boundAdmin = await createKey({ name: 'ops', role: 'admin', source: 'ocr' });
    const reversal = await boundAdmin.client.post('/v1/usage/reversals', { source: 'geocoder', id: foreign.id });
    expect(reversal.body).toMatchObject({ status: 403, code: 'SOURCE_NOT_ALLOWED' });
    expect((await boundAdmin.client.post('/v1/usage/reversals', { source: 'ocr', id: good.id })).status).toBe(200);
  });

  it('records the reporting key (or "kafka") with every decision', async () => {
    const [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 1 });
    const producer = await createKey({ name: 'p', role: 'producer' });
    await producer.client.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 }));
    await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 }));
    const { rows } = await tally.runtime.db.query<{ event_type: string; reported: string }>(
      "select event_type, data->>'reportedBy' as reported from tally_events where stream_id like $1 and event_type like 'Usage%' order by global_position",
      [`account-${account}/%`],
    );
    expect(rows).toEqual([
      { event_type: 'UsageAccepted.v3', reported: producer.id },
      { event_type: 'UsageRejected.v3', reported: 'bootstrap' },
    ]);
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/decisions`)).body.map((d: any) => d.reportedBy)).toEqual([
        'bootstrap',
        producer.id,
      ]),
    );
  });

  it('lists keys without tokens, with when each was last used, and revokes them at once', async () => {
    const key = await createKey({ name: unique('reader'), role: 'finance' });
    const listed = () => tally.admin.get('/v1/api-keys');
    const entry = async () => (await listed()).body.find((k: { id: string }) => k.id === key.id);
    expect(await entry()).toEqual({
      id: key.id,
      name: key.name,
      role: 'finance',
      source: null,
      createdAt: expect.any(String),
      lastUsedAt: null,
    });
    expect((await listed()).text).not.toContain(key.token);

    expect((await key.client.get('/v1/meters')).status).toBe(200);
    expect(Date.parse((await entry()).lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);

    const revoked = await tally.admin.delete(`/v1/api-keys/${key.id}`);
    expect(revoked.status).toBe(204);
    expect((await key.client.get('/v1/meters')).status).toBe(401);
    expect(await entry()).toBeUndefined();
    expect((await tally.admin.delete(`/v1/api-keys/${key.id}`)).body).toMatchObject({
      status: 404,
      code: 'API_KEY_NOT_FOUND',
    });
    expect((await tally.admin.delete('/v1/api-keys/not-a-uuid')).status).toBe(404);
    expect((await key.client.get('/v1/api-keys')).status).toBe(401);
  });

  it('lets only admins list and revoke keys', async () => {
    const producer = await createKey({ name: 'p', role: 'producer' });
    expect((await producer.client.get('/v1/api-keys')).status).toBe(403);
    expect((await producer.client.delete(`/v1/api-keys/${producer.id}`)).status).toBe(403);
  });
});
