import { decideBooks, initialState } from '@tally/domain';
import { serialize, streamNames } from '@tally/events';
import { eventually } from '../infra/infra';
import { BACKENDS, startTally, storedEventCount, unique, usageEvent, withQuota, type RunningTally } from '../support/tally';

// Issue 8 ("a probe found overspend, wiped terms, billing outages and 500s"), findings 2 and 3,
// replayed over real HTTP: quota terms and names. Bodies and limits: hostile-bodies.e2e.spec.ts.
describe.each(BACKENDS)('hostile terms and names (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());

  const month = () => new Date().toISOString().slice(0, 7);
  const billing = async () => {
    const json = await tally.admin.get(`/v1/billing?month=${month()}`);
    const csv = await tally.admin.get(`/v1/billing?month=${month()}`, { accept: 'text/csv' });
    expect([json.status, csv.status]).toEqual([200, 200]);
    return json.body as Array<Record<string, unknown>>;
  };

  describe('2. null where a value is required', () => {
    it('refuses null for every quota field but limit, in PATCH and PUT, so the hard limit holds', async () => {
      const { account, meter } = await withQuota(tally, { limit: 10 });
      for (const field of ['enforcement', 'period', 'blockSize', 'blockPrice', 'includedUnits', 'currency']) {
        const patched = await tally.admin.patch(`/v1/accounts/${account}/quotas/${meter}`, { [field]: null });
        expect([field, patched.status]).toEqual([field, 400]);
        expect(patched.body.errors).toContainEqual({ field, reason: `${field} must not be null` });
        const put = await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 10, [field]: null });
        expect([field, put.status]).toEqual([field, 400]);
      }
      expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 500 }))).status).toBe(402);
      expect((await tally.admin.patch(`/v1/accounts/${account}/quotas/${meter}`, { limit: null })).body.limit).toBeNull();
      await billing();
    });

    it('completes terms stored with nulls by earlier releases: limits hold and billing answers', async () => {
      const [account, carriedMeter, patchedMeter, defaultMeter, freeMeter] = ['a', 'c', 'p', 'd', 'f'].map(unique);
      const now = new Date().toISOString();
      const nulls = { enforcement: null, period: null, blockSize: null, blockPrice: null, includedUnits: null, currency: null };
      const [opened] = decideBooks(
        { type: 'OpenAccount', account, registered: month(), defaultCredits: 0, now },
        initialState(),
      )!.opening;
      if (opened.type !== 'PeriodOpened') throw new Error('expected PeriodOpened');
      opened.data.carried.quotas = { [carriedMeter]: { limit: 10, ...nulls } as never };
      const { store } = tally.runtime;
      await store.appendToStream(
        streamNames.accountRoot(account),
        [{ type: 'AccountOpened.v1', data: { account, period: month(), openedAt: now } }],
        'no_stream',
      );
      await store.appendToStream(
        streamNames.accountPeriod(account, month()),
        [
          serialize(opened),
          { type: 'QuotaSet.v1', data: { account, meter: patchedMeter, quota: { limit: 10, ...nulls }, at: now } },
        ],
        'no_stream',
      );
      const meter = (name: string, data: Record<string, unknown>) =>
        store.appendToStream(
          streamNames.meter(name),
          [{ type: 'MeterDefined.v1', data: { meter: name, description: null, ...data, at: now } }],
          'no_stream',
        );
      await meter(defaultMeter, { creditsPerUnit: null, defaultQuota: { limit: 10, ...nulls } });
      await meter(freeMeter, { creditsPerUnit: 0, defaultQuota: null });

      const use = (m: string, quantity: number) =>
        tally.admin.post('/v1/usage', usageEvent({ subject: account, meter: m, quantity }));
      expect((await use(carriedMeter, 11)).body).toMatchObject({ reason: 'QUOTA_EXCEEDED' });
      expect((await use(patchedMeter, 11)).body).toMatchObject({ reason: 'QUOTA_EXCEEDED' });
      expect((await use(defaultMeter, 11)).body).toMatchObject({ reason: 'QUOTA_EXCEEDED' });
      expect((await use(freeMeter, 1)).body).toMatchObject({ reason: 'NO_QUOTA' });
      expect((await use(patchedMeter, 5)).status).toBe(200);
      await eventually(async () => {
        const lines = (await billing()).filter((l) => l.account === account);
        expect(lines).toEqual([
          expect.objectContaining({ meter: patchedMeter, units: 5, blockSize: 1000, blockPrice: '0', currency: 'USD' }),
        ]);
      });
      const quotas = await tally.admin.get(`/v1/accounts/${account}/quotas`);
      expect(quotas.status).toBe(200);
      expect(quotas.body).toContainEqual(expect.objectContaining({ meter: patchedMeter, enforcement: 'hard', usage: 5 }));
      expect((await tally.admin.get('/v1/meters')).status).toBe(200);
    });
  });

  describe('3. names that are members of Object.prototype', () => {
    it.each(['toString', 'constructor', 'valueOf', 'hasOwnProperty'])('treats a meter named %s like any other', async (meter) => {
      const account = unique('a');
      const huge = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1_000_000_000_000 }));
      expect(huge.body).toMatchObject({ decision: 'rejected', reason: 'NO_QUOTA' });
      expect((await tally.admin.patch(`/v1/accounts/${account}/quotas/${meter}`, { limit: 5 })).status).toBe(404);
      await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 5 });
      expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 6 }))).status).toBe(402);
      expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 5 }))).status).toBe(200);
      await billing();
    });
  });

  describe('found by the fuzz suite', () => {
    it('refuses a field named constructor at any depth with 400 (class-transformer crashed on it)', async () => {
      const event = { ...usageEvent({ subject: 'a', meter: 'm', quantity: 1 }), extra: [{ q: { constructor: 'x' } }] };
      const reply = await tally.admin.post('/v1/usage', event);
      expect(reply.body.errors).toEqual([{ field: 'extra[0].q.constructor', reason: 'unknown field' }]);
      expect((await tally.admin.put(`/v1/accounts/a/quotas/m`, { limit: 1, constructor: 'x' })).status).toBe(400);
    });

    it('writes nothing for an account never seen when its command is refused', async () => {
      const before = await storedEventCount(tally);
      expect((await tally.admin.patch(`/v1/accounts/${unique('new')}/quotas/m`, { limit: 1 })).status).toBe(404);
      expect(await storedEventCount(tally)).toBe(before);
    });
  });
});
