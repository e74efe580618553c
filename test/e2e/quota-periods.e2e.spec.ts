import { periodBounds } from '@tally/domain';
import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, type RunningTally } from '../support/tally';
import { holdEvent } from './hold-event';

const DAY_MS = 86_400_000;
/** An instant `ms` after `iso`. */
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
/** Whole minutes, `days` days before now: an anchor whose periods begin in the past. */
const daysAgo = (days: number) => new Date(Math.floor((Date.now() - days * DAY_MS) / 60_000) * 60_000).toISOString();

describe.each(BACKENDS)('quota periods: days, weeks, years and anchors (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());

  /** A fresh account and meter with this quota, and a way to report usage at an event time. */
  async function quota(terms: Record<string, unknown>) {
    const [account, meter] = [unique('a'), unique('m')];
    const set = await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, terms);
    expect(set.status).toBe(200);
    const record = async (quantity: number, time: string) =>
      (await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity, time }))).status;
    return { account, meter, set: set.body, record };
  }

  it('a day quota refuses within its UTC day and admits again the next day', async () => {
    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;
    const { account, meter, set, record } = await quota({ limit: 2, period: 'day' });
    expect(set).toMatchObject({ period: 'day', anchor: null });
    expect(await record(2, plus(today, -12 * 3_600_000))).toBe(200);
    expect(await record(1, plus(today, -1))).toBe(402);
    expect(await record(2, today)).toBe(200);
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({
        period: 'day',
        usage: 2,
        remaining: 0,
        periodStart: today,
        periodEnd: plus(today, DAY_MS),
      }),
    );
  });

  it('answers as of an instant by the period then current', async () => {
    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;
    const { account, meter, record } = await quota({ limit: 5, period: 'week' });
    const week = periodBounds({ period: 'week', anchor: null }, new Date().toISOString())!;
    expect(await record(3, today)).toBe(200);
    expect(await record(4, plus(week.start, -1))).toBe(200);
    const asOf = new Date().toISOString();
    // A read as of an instant counts what was decided at it, to the millisecond: the next record must
    // be decided after it (a request answered within the same millisecond was counted, seen once).
    while (Date.now() <= Date.parse(asOf)) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(await record(1, today)).toBe(200);
    expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}?asOf=${asOf}`)).body).toMatchObject({
      usage: 3,
      remaining: 2,
      periodStart: week.start,
      periodEnd: week.end,
    });
  });

  it('holds count against the period of their event time, and a commit counts in it', async () => {
    const { account, meter } = await quota({ limit: 10, period: 'day' });
    const yesterday = new Date(Date.now() - DAY_MS).toISOString();
    const use = (quantity: number, time: string) =>
      tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity, time }));
    const hold = await tally.admin.post('/v1/reservations', holdEvent({ id: 'job', subject: account, meter, quantity: 8 }));
    expect([hold.status, hold.body.remaining]).toEqual([201, 2]);
    expect((await use(3, new Date().toISOString())).status).toBe(402);
    expect((await use(3, yesterday)).status).toBe(200);
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({ usage: 0, reserved: 8 }),
    );
    const commit = await tally.admin.post('/v1/reservations/commit', { source: 'test-service', id: 'job', quantity: 6 });
    expect(commit.body).toMatchObject({ decision: 'accepted', usage: 6, remaining: 4 });
  });

  it('a week quota counts Monday 00:00 UTC to Monday', async () => {
    const monday = periodBounds({ period: 'week', anchor: null }, new Date().toISOString())!.start;
    const { record } = await quota({ limit: 3, period: 'week' });
    expect(await record(3, plus(monday, -1))).toBe(200);
    expect(await record(1, plus(monday, -7 * DAY_MS))).toBe(402);
    expect(await record(3, monday)).toBe(200);
  });

  it('an anchored month refuses within its period, admits in the one before, and bills each by the month it starts in', async () => {
    const anchor = daysAgo(10);
    const { account, meter, set, record } = await quota({ limit: 5, anchor, blockSize: 1, blockPrice: '0.10' });
    expect(set).toMatchObject({ period: 'month', anchor });
    const current = periodBounds({ period: 'month', anchor }, anchor)!;
    const previous = periodBounds({ period: 'month', anchor }, plus(anchor, -1))!;
    expect(await record(5, plus(anchor, 60_000))).toBe(200);
    expect(await record(1, plus(anchor, 120_000))).toBe(402);
    expect(await record(3, plus(anchor, -60_000))).toBe(200);

    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({
        anchor,
        usage: 5,
        remaining: 0,
        periodStart: current.start,
        periodEnd: current.end,
      }),
    );
    const line = (units: number, bounds: { start: string; end: string }) => ({
      account,
      meter,
      month: bounds.start.slice(0, 7),
      units,
      billableUnits: units,
      blocks: units,
      blockSize: 1,
      blockPrice: '0.10',
      amount: `0.${units}0`,
      currency: 'USD',
      periodStart: bounds.start,
      periodEnd: bounds.end,
    });
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/billing?month=${current.start.slice(0, 7)}&account=${account}`)).body).toEqual([
        line(5, current),
      ]),
    );
    // The period before ended before this quota was set: it is priced by the terms in force at its end, the defaults.
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/billing?month=${previous.start.slice(0, 7)}&account=${account}`)).body).toEqual([
        { ...line(3, previous), blockSize: 1000, blockPrice: '0', blocks: 1, amount: '0.00' },
      ]),
    );
    const csv = await tally.admin.get(`/v1/billing?month=${current.start.slice(0, 7)}&account=${account}`, {
      accept: 'text/csv',
    });
    expect(csv.text.trim().split('\n')[1]).toBe(
      `${account},${meter},${current.start.slice(0, 7)},5,5,5,1,0.10,0.50,USD,${current.start},${current.end}`,
    );
  });

  it('an anchored year counts from its anchor, and a PATCH keeps or drops the anchor', async () => {
    const anchor = daysAgo(20);
    const { account, meter, record } = await quota({ limit: 2, period: 'year', anchor });
    expect(await record(2, plus(anchor, 60_000))).toBe(200);
    expect(await record(1, new Date().toISOString())).toBe(402);
    expect(await record(2, plus(anchor, -60_000))).toBe(200);
    const path = `/v1/accounts/${account}/quotas/${meter}`;
    expect((await tally.admin.patch(path, { limit: 3 })).body).toMatchObject({ period: 'year', anchor, limit: 3 });
    expect((await tally.admin.patch(path, { anchor: null })).body).toMatchObject({ period: 'year', anchor: null });
  });

  it('raises a threshold alert once per period', async () => {
    const yesterday = `${new Date(Date.now() - DAY_MS).toISOString().slice(0, 10)}T12:00:00.000Z`;
    const { account, record } = await quota({ limit: 10, period: 'day', alertAt: [50] });
    expect(await record(5, yesterday)).toBe(200);
    expect(await record(1, yesterday)).toBe(200);
    expect(await record(5, new Date().toISOString())).toBe(200);
    expect(await record(1, new Date().toISOString())).toBe(200);
    const { rows } = await tally.runtime.db.query<{ period: string; usage: number }>(
      `select data->>'period' as period, (data->>'usage')::int as usage from tally_events
        where event_type like 'AlertRaised.%' and data->>'account' = $1 order by global_position`,
      [account],
    );
    const day = (iso: string) => periodBounds({ period: 'day', anchor: null }, iso)!;
    expect(rows).toEqual([
      { period: `${day(yesterday).start}/${day(yesterday).end}`, usage: 5 },
      { period: expect.stringMatching(new RegExp(`^${new Date().toISOString().slice(0, 10)}T00:00:00.000Z/`)), usage: 5 },
    ]);
  });

  it('refuses bad periods and anchors with a 400 naming the field', async () => {
    const fails = async (method: 'put' | 'patch', body: Record<string, unknown>, field: string, path?: string) => {
      const reply = await tally.admin[method](path ?? `/v1/accounts/${unique('a')}/quotas/${unique('m')}`, body);
      expect([reply.status, reply.headers.get('content-type')]).toEqual([
        400,
        expect.stringContaining('application/problem+json'),
      ]);
      expect(new Set(reply.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set([field]));
    };
    await fails('put', { limit: 1, period: 'fortnight' }, 'period');
    await fails('put', { limit: 1, period: null }, 'period');
    for (const anchor of ['2026-02-30T00:00:00Z', '2026-01-15', 'soon', 42, '2026-01-15T09:00:00']) {
      await fails('put', { limit: 1, anchor }, 'anchor');
    }
    for (const period of ['day', 'week', 'none'])
      await fails('put', { limit: 1, period, anchor: '2026-01-15T09:00:00Z' }, 'anchor');
    // A change that would leave an anchor on a period that takes none is refused too, naming the anchor.
    const { account, meter } = await quota({ limit: 1, anchor: '2026-01-15T09:00:00Z' });
    await fails('patch', { period: 'week' }, 'anchor', `/v1/accounts/${account}/quotas/${meter}`);
    const meterReply = await tally.admin.put(`/v1/meters/${unique('m')}`, {
      defaultQuota: { limit: 1, period: 'day', anchor: '2026-01-15T09:00:00Z' },
    });
    expect(meterReply.status).toBe(400);
    expect(JSON.stringify(meterReply.body.errors)).toContain('anchor');
    // An anchor with an offset is kept as the instant it names, in UTC.
    const ok = await tally.admin.put(`/v1/accounts/${unique('a')}/quotas/${unique('m')}`, {
      limit: 1,
      period: 'year',
      anchor: '2024-02-29T10:00:00+01:00',
    });
    expect(ok.body).toMatchObject({ period: 'year', anchor: '2024-02-29T09:00:00.000Z' });
  });
});
