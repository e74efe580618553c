import { Clock } from '@tally/api';
import { PROJECTED_STREAM_PREFIXES } from '@tally/read-models';
import { BACKENDS, startTally, unique, usageEvent, type Reply, type RunningTally } from '../support/tally';

/** The same instant written with a +02:00 offset. */
const inParis = (iso: string) => {
  const shifted = new Date(Date.parse(iso) + 2 * 3_600_000).toISOString();
  return `${shifted.slice(0, 23)}+02:00`;
};

describe.each(BACKENDS)('answers as Tally knew them (?asOf=) (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());
  afterEach(() => jest.restoreAllMocks());

  /** Waits until the read models have every stored event. */
  const settled = async () => {
    const head = await tally.runtime.store.headPosition(PROJECTED_STREAM_PREFIXES);
    if (head !== null) expect(await tally.runtime.runner.waitFor(head, 10_000)).toBe(true);
  };

  it('answers each past instant exactly as the routes answered at that moment', async () => {
    const clock = tally.app.get(Clock);
    let now = Date.now() - 3_600_000;
    jest.spyOn(clock, 'now').mockImplementation(() => new Date(now).toISOString());
    const [account, geo, ocr, maps] = [unique('a'), unique('geo'), unique('ocr'), unique('maps')];
    const paths = [`/v1/accounts/${account}/quotas`, `/v1/accounts/${account}/quotas/${geo}`, `/v1/accounts/${account}/credits`];
    const snapshots: Array<{ at: string; replies: Reply[] }> = [];
    const step = async (action: () => Promise<Reply>, expected: number) => {
      now += 60_000;
      expect((await action()).status).toBe(expected);
      await settled();
      snapshots.push({ at: new Date(now).toISOString(), replies: await Promise.all(paths.map((p) => tally.admin.get(p))) });
    };
    const admin = tally.admin;
    const use = (id: string, meter: string, quantity: number) =>
      admin.post('/v1/usage', usageEvent({ id, subject: account, meter, quantity }));
    const hold = (id: string, meter: string, quantity: number) =>
      admin.post('/v1/reservations', {
        ...usageEvent({ id, subject: account, meter, quantity }),
        data: { meter, quantity, ttlSeconds: 90 },
      });

    await step(() => admin.put(`/v1/meters/${maps}`, { defaultQuota: { limit: 5 } }), 200);
    await step(() => admin.put(`/v1/meters/${ocr}`, { creditsPerUnit: 2 }), 200);
    await step(() => admin.put(`/v1/accounts/${account}/quotas/${geo}`, { limit: 100 }), 200);
    await step(() => admin.post(`/v1/accounts/${account}/credits`, { amount: 50 }), 201);
    await step(() => use('u-1', geo, 30), 200);
    await step(() => use('u-2', ocr, 5), 200);
    await step(() => hold('h-1', geo, 20), 201);
    await step(() => admin.post('/v1/usage/reversals', { source: 'test-service', id: 'u-1' }), 200);
    await step(() => admin.patch(`/v1/accounts/${account}/quotas/${geo}`, { limit: 50, enforcement: 'soft' }), 200);
    await step(() => admin.put(`/v1/meters/${maps}`, { defaultQuota: { limit: 7 } }), 200);
    await step(() => hold('h-2', ocr, 3), 201);
    await step(() => admin.post('/v1/reservations/commit', { source: 'test-service', id: 'h-2', quantity: 1 }), 200);
    await step(() => use('u-3', geo, 60), 200);

    // The history moved: what the routes answer now differs from what they answered at the start.
    expect(snapshots[0].replies[2].status).toBe(404);
    expect(snapshots[6].replies[1].body).toMatchObject({ usage: 30, reserved: 20, limit: 100 });
    expect(snapshots[10].replies[2].body).toMatchObject({ balance: 40, held: 6, granted: 50, spent: 10 });

    now += 60_000;
    for (const { at, replies } of snapshots) {
      const asOf = await Promise.all(paths.map((p) => admin.get(`${p}?asOf=${encodeURIComponent(at)}`)));
      expect(asOf.map((r) => [r.status, r.body])).toEqual(replies.map((r) => [r.status, r.body]));
    }
    const paris = await admin.get(`${paths[1]}?asOf=${encodeURIComponent(inParis(snapshots[6].at))}`);
    expect(paris.body).toEqual(snapshots[6].replies[1].body);
  });

  it.each(['2026-11-22T10:00:00', 'yesterday', '2026-02-30T10:00:00Z', '2999-01-01T00:00:00Z', ''])(
    'refuses asOf=%j with 400 naming asOf',
    async (asOf) => {
      const reply = await tally.admin.get(`/v1/accounts/acme/credits?asOf=${encodeURIComponent(asOf)}`);
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toContainEqual(expect.objectContaining({ field: 'asOf' }));
      const quotas = await tally.admin.get(`/v1/accounts/acme/quotas?asOf=${encodeURIComponent(asOf)}`);
      expect(quotas.status).toBe(400);
    },
  );
});
