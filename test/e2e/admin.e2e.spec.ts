import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, type RunningTally } from '../support/tally';

describe.each(BACKENDS)('administration over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());

  describe('authentication and roles', () => {
    it('answers 401 without a token and with a bad one', async () => {
      for (const client of [tally.admin.as(null), tally.admin.as('tly_not-a-real-token')]) {
        const reply = await client.get('/v1/meters');
        expect(reply.status).toBe(401);
        expect(reply.headers.get('content-type')).toContain('application/problem+json');
        expect(reply.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      }
    });

    it('creates keys whose token is shown once and stored only as a hash', async () => {
      const created = await tally.admin.post('/v1/api-keys', { name: 'geocoder', role: 'producer' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'geocoder', role: 'producer', token: expect.stringMatching(/^tly_/) });
      const { rows } = await tally.runtime.db.query<{ token_hash: string }>(
        'select token_hash from tally_api_keys where id = $1',
        [created.body.id],
      );
      expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0].token_hash).not.toContain(created.body.token);
    });

    it('lets each role call only its routes (403 otherwise)', async () => {
      const key = async (role: string) =>
        tally.admin.as((await tally.admin.post('/v1/api-keys', { name: role, role })).body.token);
      const [producer, finance] = [await key('producer'), await key('finance')];
      const meter = unique('m');
      await tally.admin.put(`/v1/meters/${meter}`, { defaultQuota: { limit: 5 } });
      expect((await producer.post('/v1/usage', usageEvent({ subject: unique('a'), meter, quantity: 1 }))).status).toBe(200);
      expect((await producer.get('/v1/billing?month=2026-11')).status).toBe(403);
      expect((await producer.put(`/v1/meters/${meter}`, {})).status).toBe(403);
      expect((await producer.get('/v1/meters')).status).toBe(200);
      expect((await finance.get('/v1/billing?month=2026-11')).status).toBe(200);
      expect((await finance.post('/v1/usage', usageEvent({ subject: unique('a'), meter, quantity: 1 }))).status).toBe(403);
      const forbidden = await finance.post('/v1/api-keys', { name: 'x', role: 'admin' });
      expect(forbidden.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    });
  });

  describe('meters', () => {
    it('defines meters and lists them', async () => {
      const meter = unique('geo');
      const put = await tally.admin.put(`/v1/meters/${meter}`, {
        description: 'Geocoding',
        creditsPerUnit: 3,
        defaultQuota: { limit: 100, enforcement: 'soft' },
      });
      expect(put.status).toBe(200);
      await eventually(async () => {
        const listed = (await tally.admin.get('/v1/meters')).body.find((m: { meter: string }) => m.meter === meter);
        expect(listed).toMatchObject({
          description: 'Geocoding',
          creditsPerUnit: 3,
          defaultQuota: { limit: 100, enforcement: 'soft', blockSize: 1000, blockPrice: '0' },
        });
      });
    });

    it('applies a meter default quota to accounts without their own', async () => {
      const meter = unique('m');
      await tally.admin.put(`/v1/meters/${meter}`, { defaultQuota: { limit: 3 } });
      const account = unique('a');
      expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 4 }))).body.reason).toBe(
        'QUOTA_EXCEEDED',
      );
      await eventually(async () =>
        expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({
          meter,
          limit: 3,
          usage: 0,
        }),
      );
    });
  });

  describe('quotas', () => {
    it('sets a quota with defaults, changes part of it, and reads it for the current period', async () => {
      const [account, meter] = [unique('a'), unique('m')];
      const put = await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 100, blockPrice: '1.25' });
      expect(put.body).toEqual({
        limit: 100,
        enforcement: 'hard',
        period: 'month',
        anchor: null,
        blockSize: 1000,
        blockPrice: '1.25',
        includedUnits: 0,
        currency: 'USD',
        alertAt: [],
        rateLimit: null,
      });
      const patched = await tally.admin.patch(`/v1/accounts/${account}/quotas/${meter}`, { enforcement: 'soft', limit: null });
      expect(patched.body).toMatchObject({ limit: null, enforcement: 'soft', blockPrice: '1.25' });
      await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 7 }));
      const now = new Date();
      const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
      await eventually(async () => {
        const reply = await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`);
        expect(reply.body).toMatchObject({
          meter,
          limit: null,
          usage: 7,
          remaining: null,
          overage: 0,
          enforcement: 'soft',
          period: 'month',
          periodStart: start,
        });
      });
    });

    it('counts a period-none quota as cumulative capacity', async () => {
      const [account, meter] = [unique('a'), unique('vcpu')];
      await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 8, period: 'none' });
      await tally.admin.post(
        '/v1/usage',
        usageEvent({ subject: account, meter, quantity: 6, time: new Date(Date.now() - 20 * 86_400_000).toISOString() }),
      );
      const over = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 3 }));
      expect(over.body).toMatchObject({ reason: 'QUOTA_EXCEEDED', usage: 6, limit: 8 });
      await eventually(async () =>
        expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({
          usage: 6,
          remaining: 2,
          periodStart: null,
        }),
      );
    });

    it('answers 404 for a quota that does not exist', async () => {
      const [account, meter] = [unique('a'), unique('m')];
      expect((await tally.admin.patch(`/v1/accounts/${account}/quotas/${meter}`, { limit: 1 })).body).toMatchObject({
        status: 404,
        code: 'QUOTA_NOT_FOUND',
      });
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).status).toBe(404);
    });
  });

  describe('credits', () => {
    it('grants credits (201), once per grant id, and reports the wallet', async () => {
      const account = unique('a');
      const first = await tally.admin.post(`/v1/accounts/${account}/credits`, { amount: 100, reason: 'welcome', id: 'g-1' });
      expect([first.status, first.body]).toMatchObject([
        201,
        { balance: 100, grant: { id: 'g-1', amount: 100, remaining: 100 } },
      ]);
      expect((await tally.admin.post(`/v1/accounts/${account}/credits`, { amount: 100, id: 'g-1' })).body).toMatchObject({
        balance: 100,
      });
      expect((await tally.admin.post(`/v1/accounts/${account}/credits`, { amount: 50 })).body).toMatchObject({ balance: 150 });
      await eventually(async () =>
        expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
          balance: 150,
          held: 0,
          granted: 150,
          spent: 0,
        }),
      );
    });

    it('answers 404 for an account never seen', async () => {
      expect((await tally.admin.get(`/v1/accounts/${unique('nobody')}/credits`)).body).toMatchObject({
        status: 404,
        code: 'ACCOUNT_NOT_FOUND',
      });
    });
  });
});
