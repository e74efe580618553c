import { Clock } from '@tally/api';
import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, withQuota, type RunningTally } from '../support/tally';
import { holdEvent } from './hold-event';

describe.each(BACKENDS)('reservations over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());
  afterEach(() => jest.restoreAllMocks());

  it('holds (201, with expiresAt), shows the hold as reserved, commits part of it and frees the rest', async () => {
    const { account, meter } = await withQuota(tally, { limit: 100 });
    const held = await tally.admin.post(
      '/v1/reservations',
      holdEvent({ id: 'job-1', subject: account, meter, quantity: 40, ttlSeconds: 60 }),
    );
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ id: 'job-1', decision: 'accepted', quantity: 40, usage: 0, remaining: 60, creditsHeld: 0 });
    expect(Date.parse(held.body.expiresAt) - Date.parse(held.body.decidedAt)).toBe(60_000);

    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({
        usage: 0,
        reserved: 40,
        remaining: 60,
      }),
    );
    const over = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 61 }));
    expect(over.body).toMatchObject({ decision: 'rejected', reason: 'QUOTA_EXCEEDED' });

    const asUsage = await tally.admin.post('/v1/usage', usageEvent({ id: 'job-1', subject: account, meter, quantity: 1 }));
    expect([asUsage.status, asUsage.body]).toEqual([
      200,
      expect.objectContaining({ id: 'job-1', quantity: 40, decision: 'accepted' }),
    ]);
    const check = await tally.admin.post('/v1/usage/check', usageEvent({ id: 'job-1', subject: account, meter, quantity: 99 }));
    expect(check.body).toMatchObject({ allowed: true, remaining: 60 });
    const again = await tally.admin.post('/v1/reservations', holdEvent({ id: 'job-1', subject: account, meter, quantity: 99 }));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(held.body);

    const tooMuch = await tally.admin.post('/v1/reservations/commit', { source: 'test-service', id: 'job-1', quantity: 41 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('COMMIT_EXCEEDS_HOLD');

    const commit = await tally.admin.post('/v1/reservations/commit', { source: 'test-service', id: 'job-1', quantity: 7 });
    expect(commit.status).toBe(200);
    expect(commit.body).toMatchObject({ id: 'job-1', decision: 'accepted', quantity: 7, usage: 7, remaining: 93 });
    const repeat = await tally.admin.post('/v1/reservations/commit', { source: 'test-service', id: 'job-1', quantity: 3 });
    expect(repeat.body).toEqual(commit.body);
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({
        usage: 7,
        reserved: 0,
        remaining: 93,
      }),
    );
    const decisions = await tally.admin.get(`/v1/accounts/${account}/decisions`);
    expect(decisions.body.find((d: { id: string }) => d.id === 'job-1')).toMatchObject({
      decision: 'accepted',
      quantity: 7,
      reservation: { held: 40, expiresAt: held.body.expiresAt, status: 'committed' },
    });
  });

  it('releases a hold (200), again the same, and refuses unknown (404) or committed ones (409)', async () => {
    const { account, meter } = await withQuota(tally, { limit: 10 });
    const id = unique('job');
    expect((await tally.admin.post('/v1/reservations', holdEvent({ id, subject: account, meter, quantity: 10 }))).status).toBe(
      201,
    );
    expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 }))).status).toBe(402);
    // The audit log explains that refusal: the hold is in it.
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/decisions`)).body).toContainEqual(
        expect.objectContaining({
          id,
          decision: 'accepted',
          quantity: 10,
          reservation: expect.objectContaining({ status: 'held' }),
        }),
      ),
    );
    const released = await tally.admin.post('/v1/reservations/release', { source: 'test-service', id });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ account, id, meter, quantity: 10, creditsHeld: 0 });
    expect((await tally.admin.post('/v1/reservations/release', { source: 'test-service', id })).body).toEqual(released.body);
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/decisions`)).body).toContainEqual(
        expect.objectContaining({ id, reservation: expect.objectContaining({ held: 10, status: 'released' }) }),
      ),
    );
    expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 10 }))).status).toBe(200);
    const commit = await tally.admin.post('/v1/reservations/commit', { source: 'test-service', id });
    expect([commit.status, commit.body.code]).toEqual([409, 'RESERVATION_RELEASED']);
    const unknown = await tally.admin.post('/v1/reservations/commit', { source: 'test-service', id: unique('nope') });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'RESERVATION_NOT_FOUND']);
    const rejected = await tally.admin.post('/v1/reservations', holdEvent({ subject: account, meter, quantity: 1 }));
    expect([rejected.status, rejected.body.reason]).toEqual([402, 'QUOTA_EXCEEDED']);
  });

  it('holds credits (quantity × creditsPerUnit) and charges only what is committed', async () => {
    const [account, meter] = [unique('a'), unique('ocr')];
    expect((await tally.admin.put(`/v1/meters/${meter}`, { creditsPerUnit: 3 })).status).toBe(200);
    expect((await tally.admin.post(`/v1/accounts/${account}/credits`, { amount: 30 })).status).toBe(201);
    const held = await tally.admin.post('/v1/reservations', holdEvent({ id: 'c-1', subject: account, meter, quantity: 8 }));
    expect(held.body).toMatchObject({ decision: 'accepted', creditsHeld: 24 });
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
        balance: 30,
        held: 24,
        granted: 30,
        spent: 0,
      }),
    );
    const spend = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 3 }));
    expect(spend.body).toMatchObject({ decision: 'rejected', reason: 'INSUFFICIENT_CREDITS' });
    expect((await tally.admin.post('/v1/reservations/commit', { source: 'test-service', id: 'c-1', quantity: 2 })).status).toBe(
      200,
    );
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({
        balance: 24,
        held: 0,
        granted: 30,
        spent: 6,
      }),
    );
  });

  it('frees an expired hold at expiresAt with no event, and refuses its commit with 409 RESERVATION_EXPIRED', async () => {
    const { account, meter } = await withQuota(tally, { limit: 10 });
    const clock = tally.app.get(Clock);
    const start = Date.now();
    jest.spyOn(clock, 'now').mockImplementation(() => new Date(start).toISOString());
    const id = unique('job');
    expect(
      (await tally.admin.post('/v1/reservations', holdEvent({ id, subject: account, meter, quantity: 10, ttlSeconds: 1 })))
        .status,
    ).toBe(201);
    expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 }))).status).toBe(402);
    jest.spyOn(clock, 'now').mockImplementation(() => new Date(start + 1000).toISOString());
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({
        reserved: 0,
        remaining: 10,
      }),
    );
    const commit = await tally.admin.post('/v1/reservations/commit', { source: 'test-service', id });
    expect([commit.status, commit.body.code]).toEqual([409, 'RESERVATION_EXPIRED']);
    expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 10 }))).status).toBe(200);
  });

  it('refuses bad ttls and batches naming the field, and another source for a bound key (403)', async () => {
    const { account, meter } = await withQuota(tally, { limit: 10 });
    for (const ttlSeconds of [0, 3601, 1.5, '60', null]) {
      const reply = await tally.admin.post(
        '/v1/reservations',
        holdEvent({ subject: account, meter, quantity: 1, ttlSeconds: ttlSeconds as number }),
      );
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toContainEqual(expect.objectContaining({ field: 'data.ttlSeconds' }));
    }
    const batch = await tally.admin.post('/v1/reservations', [holdEvent({ subject: account, meter, quantity: 1 })]);
    expect(batch.status).toBe(400);
    const key = await tally.admin.post('/v1/api-keys', { name: unique('k'), role: 'producer', source: 'mine' });
    const producer = tally.admin.as(key.body.token);
    const theirs = await producer.post('/v1/reservations', holdEvent({ source: 'theirs', subject: account, meter, quantity: 1 }));
    expect([theirs.status, theirs.body.code]).toEqual([403, 'SOURCE_NOT_ALLOWED']);
    const commit = await producer.post('/v1/reservations/commit', { source: 'theirs', id: 'x' });
    expect([commit.status, commit.body.code]).toEqual([403, 'SOURCE_NOT_ALLOWED']);
    const release = await producer.post('/v1/reservations/release', { source: 'theirs', id: 'x' });
    expect([release.status, release.body.code]).toEqual([403, 'SOURCE_NOT_ALLOWED']);
    const ok = await producer.post('/v1/reservations', holdEvent({ source: 'mine', subject: account, meter, quantity: 1 }));
    expect(ok.status).toBe(201);
  });
});
