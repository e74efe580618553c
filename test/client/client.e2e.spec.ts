import { KafkaUsagePublisher, TallyClient, TallyError } from '@tally/client';
import { loadConfig, topicsOf } from '@tally/runtime';
import { describeIf, eventually, infra } from '../infra/infra';
import { startTally, unique, type RunningTally } from '../support/tally';
import { consumeUntil, topicPrefix } from '../kafka/kafka-helpers';

describe('TallyClient over HTTP', () => {
  let tally: RunningTally;
  let client: TallyClient;
  let account: string;
  let meter: string;
  beforeAll(async () => {
    tally = await startTally('pglite');
    const key = await tally.admin.post('/v1/api-keys', { name: 'client-test', role: 'producer' });
    client = new TallyClient({ baseUrl: tally.url, token: key.body.token, source: 'client-test' });
    [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 10 });
  });
  afterAll(() => tally.destroy());

  it('records usage, returning accepted and rejected decisions alike', async () => {
    const accepted = await client.record({ subject: account, meter, quantity: 6, id: 'c-1' });
    expect(accepted).toMatchObject({ id: 'c-1', source: 'client-test', decision: 'accepted', remaining: 4 });
    const rejected = await client.record({ subject: account, meter, quantity: 6 });
    expect(rejected).toMatchObject({ decision: 'rejected', reason: 'QUOTA_EXCEEDED' });
    expect(rejected.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await client.record({ subject: account, meter, quantity: 6, id: 'c-1' })).toEqual(accepted);
  });

  it('checks without recording, and records batches in order', async () => {
    expect(await client.check({ subject: account, meter, quantity: 4 })).toEqual({
      allowed: true,
      usage: 10,
      limit: 10,
      remaining: 0,
    });
    const results = await client.recordBatch([
      { subject: account, meter, quantity: 3 },
      { subject: account, meter, quantity: 2, time: new Date() },
    ]);
    expect(results.map((r) => r.decision)).toEqual(['accepted', 'rejected']);
  });

  it('holds, commits and releases reservations, a rejected hold being a result and an expired one a typed error', async () => {
    const meterOf = unique('m');
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meterOf}`, { limit: 100 });
    const held = await client.hold({ subject: account, meter: meterOf, quantity: 60, id: 'h-1', ttlSeconds: 30 });
    expect(held).toMatchObject({ id: 'h-1', decision: 'accepted', remaining: 40, creditsHeld: 0 });
    expect(Date.parse(held.expiresAt!) - Date.parse(held.decidedAt)).toBe(30_000);
    expect(await client.hold({ subject: account, meter: meterOf, quantity: 50 })).toMatchObject({
      decision: 'rejected',
      reason: 'QUOTA_EXCEEDED',
    });
    expect(await client.commit('h-1', 25)).toMatchObject({ id: 'h-1', decision: 'accepted', quantity: 25, usage: 25 });
    await client.hold({ subject: account, meter: meterOf, quantity: 10, id: 'h-2' });
    expect(await client.release('h-2')).toMatchObject({ id: 'h-2', quantity: 10, source: 'client-test' });
    const twice = await client.commit('h-2').catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(TallyError);
    expect(twice).toMatchObject({ status: 409, code: 'RESERVATION_RELEASED' });
  });

  it('records, checks, holds and commits a multi-item usage, one decision with a line per item', async () => {
    const [a, b] = [unique('m'), unique('m')];
    for (const m of [a, b]) await tally.admin.put(`/v1/accounts/${account}/quotas/${m}`, { limit: 50 });
    const items = [
      { meter: a, quantity: 30 },
      { meter: b, quantity: 10 },
    ];
    expect(await client.check({ subject: account, items })).toMatchObject({
      allowed: true,
      meter: a,
      items: [{ meter: a }, { meter: b }],
    });
    const accepted = await client.record({ subject: account, items });
    expect(accepted.items!.map((l) => [l.meter, l.usage])).toEqual([
      [a, 30],
      [b, 10],
    ]);
    const over = await client.record({
      subject: account,
      items: [
        { meter: b, quantity: 1 },
        { meter: a, quantity: 21 },
      ],
    });
    expect(over).toMatchObject({ decision: 'rejected', reason: 'QUOTA_EXCEEDED', meter: a });
    const held = await client.hold({
      subject: account,
      items: [
        { meter: a, quantity: 20 },
        { meter: b, quantity: 5 },
      ],
      id: 'mh-1',
    });
    expect(held).toMatchObject({
      decision: 'accepted',
      items: [
        { meter: a, remaining: 0 },
        { meter: b, remaining: 35 },
      ],
    });
    const committed = await client.commit('mh-1', [{ meter: b, quantity: 4 }]);
    expect(committed).toMatchObject({ meter: b, quantity: 4, usage: 14, items: [{ meter: b, quantity: 4 }] });
  });

  it('reads use per month and per day, as the projection has it', async () => {
    const [org, m] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${org}/quotas/${m}`, { limit: null });
    const time = new Date();
    await client.record({ subject: org, meter: m, quantity: 4, time });
    const [day, month] = [time.toISOString().slice(0, 10), time.toISOString().slice(0, 7)];
    await eventually(async () =>
      expect(await client.usage(org, { from: day, to: day, granularity: 'day' })).toEqual([
        { day, meter: m, units: 4, requests: 1, rejected: 0 },
      ]),
    );
    expect(await client.usage(org, { from: month, to: month, groupBy: 'subject' })).toEqual([
      { month, meter: m, subject: org, units: 4, requests: 1, rejected: 0 },
    ]);
    const tooLong = await client
      .usage(org, { from: '2024-01-01', to: '2025-01-01', granularity: 'day' })
      .catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(TallyError);
    expect(tooLong).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'to' })] });
  });

  it("reads a quota with its period's bounds and anchor", async () => {
    const [org, m] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${org}/quotas/${m}`, { limit: 5, period: 'year', anchor: '2024-02-29T00:00:00Z' });
    await client.record({ subject: org, meter: m, quantity: 2 });
    await eventually(async () => expect(await client.quota(org, m)).toMatchObject({ usage: 2, remaining: 3 }));
    const view = await client.quota(org, m);
    expect(view).toMatchObject({ period: 'year', anchor: '2024-02-29T00:00:00.000Z' });
    expect(view.periodStart! <= new Date().toISOString() && new Date().toISOString() < view.periodEnd!).toBe(true);
    expect(view.periodStart).toMatch(/-02-(28|29)T00:00:00\.000Z$/);
  });

  it('raises a typed error for bad input and bad tokens, never for a rejection', async () => {
    const bad = await client.record({ subject: account, meter, quantity: 0 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TallyError);
    expect(bad).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      retryable: false,
      errors: [expect.objectContaining({ field: 'data.quantity' })],
    });
    const anonymous = new TallyClient({ baseUrl: tally.url, token: 'nope', source: 'x' });
    await expect(anonymous.record({ subject: account, meter, quantity: 1 })).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    const down = new TallyClient({ baseUrl: 'http://127.0.0.1:9', token: 'x', source: 'x', timeoutMs: 2000 });
    await expect(down.record({ subject: account, meter, quantity: 1 })).rejects.toMatchObject({ status: 0, retryable: true });
  });
});

describeIf(infra.kafkaBrokers, 'KafkaUsagePublisher on a real broker', () => {
  let tally: RunningTally;
  let prefix: string;
  beforeAll(async () => {
    prefix = topicPrefix();
    tally = await startTally('pglite', { kafka: { topicPrefix: prefix } });
  }, 60_000);
  afterAll(() => tally.destroy());

  it('publishes CloudEvents keyed by subject that Tally decides', async () => {
    const topics = topicsOf(loadConfig({ KAFKA_TOPIC_PREFIX: prefix }));
    const [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: null });
    const publisher = new KafkaUsagePublisher({
      brokers: infra.kafkaBrokers!.split(','),
      source: 'publisher-test',
      topic: topics.usage,
      batchSize: 2,
    });
    await publisher.connect();
    const ids = await publisher.publish(Array.from({ length: 5 }, (_, i) => ({ subject: account, meter, quantity: i + 1 })));
    await publisher.disconnect();
    expect(new Set(ids).size).toBe(5);
    const seen = await consumeUntil(topics.decisions, (s) => ids.every((id) => s.some((m) => m.value?.toString().includes(id))));
    expect(seen.filter((m) => m.key === account)).toHaveLength(5);
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({ usage: 15 }),
    );
  });
});
