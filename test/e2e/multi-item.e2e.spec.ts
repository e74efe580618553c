import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, type RunningTally } from '../support/tally';

/** A usage CloudEvent whose data carries `items` (and, for a reservation, `ttlSeconds`). */
const itemsEvent = (subject: string, items: unknown, fields: { id?: string; ttlSeconds?: number } = {}) => {
  const { data: _data, ...event } = usageEvent({ subject, meter: 'x', quantity: 1, ...(fields.id ? { id: fields.id } : {}) });
  return { ...event, data: { items, ...(fields.ttlSeconds ? { ttlSeconds: fields.ttlSeconds } : {}) } };
};

const items2 = (a: string, b: string) => [
  { meter: a, quantity: 1 },
  { meter: b, quantity: 2 },
];
const thisMonth = () => new Date().toISOString().slice(0, 7);
const today = () => new Date().toISOString().slice(0, 10);

describe.each(BACKENDS)('multi-item usage over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());

  /** An account with hard monthly quotas on two meters (input 1000, output 500); `output` costs 2 credits a unit. */
  async function llmAccount(credits = 10_000) {
    const [account, input, output] = [unique('a'), unique('in'), unique('out')];
    await tally.admin.put(`/v1/meters/${output}`, { creditsPerUnit: 2 });
    await tally.admin.put(`/v1/accounts/${account}/quotas/${input}`, { limit: 1000, blockSize: 100, blockPrice: '1.00' });
    await tally.admin.put(`/v1/accounts/${account}/quotas/${output}`, { limit: 500 });
    await tally.admin.post(`/v1/accounts/${account}/credits`, { amount: credits });
    const quotaOf = async (meter: string) => (await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body;
    return { account, input, output, quotaOf };
  }

  it('accepts a multi-item usage with one line per item, counted in each meter’s usage, billing and daily use', async () => {
    const { account, input, output, quotaOf } = await llmAccount();
    const items = [
      { meter: input, quantity: 800 },
      { meter: output, quantity: 200 },
    ];
    const reply = await tally.admin.post('/v1/usage', itemsEvent(account, items));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ decision: 'accepted', meter: input, quantity: 800, usage: 800, remaining: 200 });
    expect(reply.body.items).toEqual([
      { meter: input, quantity: 800, usage: 800, limit: 1000, remaining: 200, overage: 0 },
      { meter: output, quantity: 200, usage: 200, limit: 500, remaining: 300, overage: 0 },
    ]);
    // A repeat is answered with the original multi-item decision and counts nothing.
    const repeat = await tally.admin.post('/v1/usage', { ...itemsEvent(account, items), id: reply.body.id });
    expect(repeat.body).toEqual(reply.body);

    await eventually(async () => {
      expect(await quotaOf(input)).toMatchObject({ usage: 800, remaining: 200 });
      expect(await quotaOf(output)).toMatchObject({ usage: 200, remaining: 300 });
    });
    const asOf = encodeURIComponent(new Date().toISOString());
    expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${output}?asOf=${asOf}`)).body).toMatchObject({ usage: 200 });
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({ balance: 9600, spent: 400 }),
    );
    const month = thisMonth();
    expect(
      (await tally.admin.get(`/v1/accounts/${account}/usage?from=${month}&to=${month}`)).body.map((r: any) => [r.meter, r.units]),
    ).toEqual(
      expect.arrayContaining([
        [input, 800],
        [output, 200],
      ]),
    );
    const billing = (await tally.admin.get(`/v1/billing?month=${month}&account=${account}`)).body;
    expect(billing.map((l: any) => [l.meter, l.units])).toEqual(
      [
        [input, 800],
        [output, 200],
      ].sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    expect(billing.find((l: any) => l.meter === input)).toMatchObject({ blocks: 8, amount: '8.00' });
    await eventually(async () =>
      expect(
        (await tally.admin.get(`/v1/accounts/${account}/usage?granularity=day&from=${today()}&to=${today()}`)).body.map(
          (r: any) => [r.meter, r.units, r.requests],
        ),
      ).toEqual(
        expect.arrayContaining([
          [input, 800, 1],
          [output, 200, 1],
        ]),
      ),
    );
    const [logged] = (await tally.admin.get(`/v1/accounts/${account}/decisions`)).body;
    expect(logged.items).toEqual(reply.body.items);
  });

  it('records nothing when one item is over its limit, naming it; the other meters’ usage is unchanged', async () => {
    const { account, input, output, quotaOf } = await llmAccount();
    expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter: output, quantity: 400 }))).status).toBe(
      200,
    );
    const reply = await tally.admin.post(
      '/v1/usage',
      itemsEvent(account, [
        { meter: input, quantity: 10 },
        { meter: output, quantity: 200 },
      ]),
    );
    expect(reply.status).toBe(402);
    expect(reply.body).toMatchObject({
      decision: 'rejected',
      reason: 'QUOTA_EXCEEDED',
      meter: output,
      usage: 400,
      remaining: 100,
    });
    expect(reply.body.items.map((l: any) => [l.meter, l.usage])).toEqual([
      [input, 0],
      [output, 400],
    ]);
    await eventually(async () => {
      expect(await quotaOf(output)).toMatchObject({ usage: 400 });
      const month = thisMonth();
      const rows = (await tally.admin.get(`/v1/accounts/${account}/usage?from=${month}&to=${month}`)).body;
      expect(rows.find((r: any) => r.meter === input)).toMatchObject({ units: 0, requests: 0, rejected: 1 });
    });
    expect(await quotaOf(input)).toMatchObject({ usage: 0, remaining: 1000 });
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({ spent: 800 }),
    );
  });

  it('reverses a multi-item usage: every item returns to its meter and its credits are refunded', async () => {
    const { account, input, output, quotaOf } = await llmAccount();
    const items = [
      { meter: input, quantity: 30 },
      { meter: output, quantity: 20 },
    ];
    const accepted = await tally.admin.post('/v1/usage', itemsEvent(account, items));
    expect(accepted.status).toBe(200);
    const reversal = await tally.admin.post('/v1/usage/reversals', { source: 'test-service', id: accepted.body.id });
    expect(reversal.status).toBe(200);
    expect(reversal.body).toMatchObject({
      creditsRefunded: 40,
      items: [
        { meter: input, quantity: 30, creditsRefunded: 0 },
        { meter: output, quantity: 20, creditsRefunded: 40 },
      ],
    });
    await eventually(async () => {
      expect(await quotaOf(input)).toMatchObject({ usage: 0 });
      expect(await quotaOf(output)).toMatchObject({ usage: 0 });
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({ balance: 10_000, spent: 0 });
    });
  });

  it('checks a multi-item usage without recording it, naming the item that would fail', async () => {
    const { account, input, output, quotaOf } = await llmAccount(100);
    const fits = await tally.admin.post(
      '/v1/usage/check',
      itemsEvent(account, [
        { meter: input, quantity: 5 },
        { meter: output, quantity: 50 },
      ]),
    );
    expect(fits.body).toMatchObject({
      allowed: true,
      meter: input,
      items: [{ meter: input }, { meter: output, remaining: 450 }],
    });
    const short = await tally.admin.post(
      '/v1/usage/check',
      itemsEvent(account, [
        { meter: input, quantity: 5 },
        { meter: output, quantity: 51 },
      ]),
    );
    expect(short.body).toMatchObject({ allowed: false, reason: 'INSUFFICIENT_CREDITS', meter: output });
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({ balance: 100, spent: 0 }),
    );
    expect(await quotaOf(input)).toMatchObject({ usage: 0 });
  });

  it('holds each item, and commits the items used, at most as held', async () => {
    const { account, input, output, quotaOf } = await llmAccount();
    const held = await tally.admin.post(
      '/v1/reservations',
      itemsEvent(
        account,
        [
          { meter: input, quantity: 900 },
          { meter: output, quantity: 100 },
        ],
        { id: 'job-m', ttlSeconds: 60 },
      ),
    );
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({
      decision: 'accepted',
      creditsHeld: 200,
      items: [{ meter: input, remaining: 100 }, { meter: output }],
    });
    await eventually(async () => expect(await quotaOf(input)).toMatchObject({ usage: 0, reserved: 900, remaining: 100 }));
    expect(await quotaOf(output)).toMatchObject({ reserved: 100 });
    // The held units count: the first item alone no longer fits.
    const over = await tally.admin.post(
      '/v1/usage',
      itemsEvent(account, [
        { meter: output, quantity: 1 },
        { meter: input, quantity: 101 },
      ]),
    );
    expect(over.body).toMatchObject({ decision: 'rejected', reason: 'QUOTA_EXCEEDED', meter: input });

    const commit = (body: object) =>
      tally.admin.post('/v1/reservations/commit', { source: 'test-service', id: 'job-m', ...body });
    expect((await commit({ items: [{ meter: input, quantity: 901 }] })).body.code).toBe('COMMIT_EXCEEDS_HOLD');
    expect((await commit({ items: [{ meter: unique('nope'), quantity: 1 }] })).body.code).toBe('COMMIT_ITEMS_MISMATCH');
    expect((await commit({ quantity: 5 })).body.code).toBe('COMMIT_ITEMS_MISMATCH');
    const twice = await commit({
      items: [
        { meter: input, quantity: 1 },
        { meter: input, quantity: 2 },
      ],
    });
    expect([twice.status, twice.body.errors]).toEqual([400, [expect.objectContaining({ field: 'items[1].meter' })]]);

    const done = await commit({
      items: [
        { meter: input, quantity: 700 },
        { meter: output, quantity: 40 },
      ],
    });
    expect(done.status).toBe(200);
    expect(done.body.items.map((l: any) => [l.meter, l.quantity, l.usage])).toEqual([
      [input, 700, 700],
      [output, 40, 40],
    ]);
    await eventually(async () => {
      expect(await quotaOf(input)).toMatchObject({ usage: 700, reserved: 0 });
      expect(await quotaOf(output)).toMatchObject({ usage: 40, reserved: 0 });
    });
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/credits`)).body).toMatchObject({ spent: 80, held: 0 }),
    );

    const other = await tally.admin.post('/v1/reservations', itemsEvent(account, items2(input, output), { id: 'job-r' }));
    expect(other.status).toBe(201);
    const released = await tally.admin.post('/v1/reservations/release', { source: 'test-service', id: 'job-r' });
    expect(released.body).toMatchObject({ meter: input, quantity: 1, items: items2(input, output) });
  });

  it('refuses bad items with a 400 naming the field, recording nothing', async () => {
    const account = unique('a');
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ meter: `m${i}`, quantity: 1 }));
    const fails = async (data: object, ...fields: string[]) => {
      const { data: _data, ...event } = usageEvent({ subject: account, meter: 'x', quantity: 1 });
      const reply = await tally.admin.post('/v1/usage', { ...event, data });
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(reply.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    };
    await fails({ items: items(21) }, 'data.items');
    await fails({ items: items(1) }, 'data.items');
    await fails({ items: [...items(3), { meter: 'm1', quantity: 2 }] }, 'data.items[3].meter');
    await fails({ meter: 'm0', quantity: 1, items: items(2) }, 'data.meter', 'data.quantity');
    await fails(
      {
        items: [
          { meter: 'm0', quantity: 0 },
          { meter: 'm1', quantity: 1 },
        ],
      },
      'data.items[0].quantity',
    );
    const hold = await tally.admin.post('/v1/reservations', { ...itemsEvent(account, items(21)), type: 'metering.usage.v1' });
    expect([hold.status, hold.body.errors[0].field]).toEqual([400, 'data.items']);
    expect((await tally.admin.get(`/v1/accounts/${account}/decisions`)).body).toEqual([]);
  });
});
