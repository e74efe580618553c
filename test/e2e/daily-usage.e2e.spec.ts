import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, type RunningTally } from '../support/tally';

const DAY_MS = 86_400_000;
/** The UTC day `n` days before today, 'YYYY-MM-DD'. */
const daysAgo = (n: number) => new Date(Date.now() - n * DAY_MS).toISOString().slice(0, 10);

describe.each(BACKENDS)('daily usage over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());

  it('lists use per UTC day of the event times, per meter and per subject, a reversal netting out on its usage day', async () => {
    const [org, meter] = [unique('org'), unique('m')];
    await tally.admin.put(`/v1/accounts/${org}/quotas/${meter}`, { limit: 20 });
    const [alice, bob] = [unique('alice'), unique('bob')];
    for (const s of [alice, bob]) await tally.admin.put(`/v1/subjects/${s}`, { account: org });
    const [twoDaysAgo, yesterday, today] = [daysAgo(2), daysAgo(1), daysAgo(0)];
    const record = (subject: string, quantity: number, time: string, id = unique('u')) =>
      tally.admin.post('/v1/usage', usageEvent({ id, subject, meter, quantity, time }));

    // Reversed today, two days after it happened: it must leave that day, not today.
    const reversedId = unique('u');
    expect((await record(alice, 6, `${twoDaysAgo}T12:00:00.000Z`, reversedId)).status).toBe(200);
    // The last millisecond of yesterday and the first of today are two days.
    expect((await record(alice, 3, `${yesterday}T23:59:59.999Z`)).status).toBe(200);
    expect((await record(bob, 4, `${today}T00:00:00.000Z`)).status).toBe(200);
    expect((await record(bob, 50, `${today}T00:00:00.000Z`)).status).toBe(402);
    expect(
      (await tally.admin.post('/v1/usage/reversals', { source: 'test-service', id: reversedId, reason: 'test' })).status,
    ).toBe(200);

    const path = `/v1/accounts/${org}/usage?granularity=day&from=${twoDaysAgo}&to=${today}`;
    await eventually(async () =>
      expect((await tally.admin.get(path)).body).toEqual([
        { day: twoDaysAgo, meter, units: 0, requests: 0, rejected: 0 },
        { day: yesterday, meter, units: 3, requests: 1, rejected: 0 },
        { day: today, meter, units: 4, requests: 1, rejected: 1 },
      ]),
    );
    expect((await tally.admin.get(`${path}&groupBy=subject`)).body).toEqual([
      { day: twoDaysAgo, meter, subject: alice, units: 0, requests: 0, rejected: 0 },
      { day: yesterday, meter, subject: alice, units: 3, requests: 1, rejected: 0 },
      { day: today, meter, subject: bob, units: 4, requests: 1, rejected: 1 },
    ]);
    expect((await tally.admin.get(`/v1/accounts/${org}/usage?granularity=day&from=${today}&to=${today}`)).body).toEqual([
      { day: today, meter, units: 4, requests: 1, rejected: 1 },
    ]);
    // The monthly form is unchanged, and its month agrees with the days.
    const month = today.slice(0, 7);
    const monthly = (await tally.admin.get(`/v1/accounts/${org}/usage?from=${month}&to=${month}`)).body;
    const days = (await tally.admin.get(path)).body as Array<{ day: string; units: number }>;
    expect(monthly).toEqual([
      {
        month,
        meter,
        units: days.filter((d) => d.day.startsWith(month)).reduce((sum, d) => sum + d.units, 0),
        requests: expect.any(Number),
        rejected: 1,
      },
    ]);
  });

  it('answers at most 366 days, and a 400 naming the field for bad bounds', async () => {
    const q = `/v1/accounts/${unique('a')}/usage`;
    expect((await tally.admin.get(`${q}?granularity=day&from=2024-01-01&to=2024-12-31`)).status).toBe(200);
    expect((await tally.admin.get(`${q}?granularity=day&from=2025-01-01&to=2026-01-01`)).status).toBe(200);
    const fails = async (query: string, ...fields: string[]) => {
      const reply = await tally.admin.get(`${q}?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(reply.body.errors).toEqual(fields.map((field) => expect.objectContaining({ field })));
    };
    await fails('granularity=day&from=2024-01-01&to=2025-01-01', 'to');
    await fails('granularity=day&from=2026-11-05&to=2026-11-04', 'from');
    await fails('granularity=day&from=2026-02-30&to=2026-03-01', 'from');
    await fails('granularity=day&from=2026-11-01&to=2026-11', 'to');
    await fails('granularity=day&from=20261101&to=2026-11-02', 'from');
    await fails('from=2026-11-01&to=2026-11-02', 'from', 'to');
    await fails('granularity=week&from=2026-11-01&to=2026-11-02', 'granularity');
    await fails('from=2026-11&to=2026-10', 'from');
  });
});
