import { parseCommitItems, parseUsageMessage } from './usage-contract';

const event = (data: unknown) => ({
  specversion: '1.0',
  id: 'u-1',
  source: 'llm',
  type: 'metering.usage.v1',
  subject: 'alice',
  data,
});
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ meter: `m${i}`, quantity: i + 1 }));
const fieldsOf = (data: unknown) => {
  const parsed = parseUsageMessage(event(data));
  return parsed.ok ? [] : parsed.errors.map((e) => e.field);
};

describe('a multi-item usage message', () => {
  it('is read as its items, the first one also its meter and quantity', () => {
    const parsed = parseUsageMessage(event({ items: items(2) }));
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({
        meter: 'm0',
        quantity: 1,
        items: [
          { meter: 'm0', quantity: 1 },
          { meter: 'm1', quantity: 2 },
        ],
      }),
    });
  });

  it('takes 2 to 20 items', () => {
    expect(parseUsageMessage(event({ items: items(20) })).ok).toBe(true);
    expect(fieldsOf({ items: items(21) })).toEqual(['data.items']);
    expect(fieldsOf({ items: items(1) })).toEqual(['data.items']);
    expect(fieldsOf({ items: [] })).toEqual(['data.items']);
  });

  it('names a repeated meter by its own place', () => {
    const repeated = [...items(3), { meter: 'm1', quantity: 5 }];
    const parsed = parseUsageMessage(event({ items: repeated }));
    expect(parsed).toEqual({
      ok: false,
      errors: [{ field: 'data.items[3].meter', reason: 'meter m1 is already an item: each meter at most once' }],
    });
  });

  it('refuses items beside meter or quantity, naming each', () => {
    expect(fieldsOf({ meter: 'm0', quantity: 1, items: items(2) })).toEqual(['data.meter', 'data.quantity']);
  });

  it('refuses a bad quantity, a bad meter, an unknown field or a non-object item', () => {
    expect(
      fieldsOf({
        items: [
          { meter: 'a', quantity: 0 },
          { meter: 'b', quantity: 1.5 },
        ],
      }),
    ).toEqual(['data.items[0].quantity', 'data.items[1].quantity']);
    expect(fieldsOf({ items: [{ meter: 'a\u0000', quantity: 1 }, { meter: 'b', quantity: 1, unit: 's' }, 7] })).toEqual([
      'data.items[0].meter',
      'data.items[1].unit',
      'data.items[2]',
    ]);
    expect(fieldsOf({ items: 'm0' })).toEqual(['data.items']);
  });

  it('still refuses an event with neither meter nor items', () => {
    expect(fieldsOf({ quantity: 1 })).toContain('data.meter');
  });
});

describe('the item rules of a commit', () => {
  it('take 1 to 20 items instead of a quantity', () => {
    expect(parseCommitItems({ items: items(1) })).toEqual({ ok: true, value: items(1) });
    expect(parseCommitItems({})).toEqual({ ok: true, value: null });
    expect(parseCommitItems({ quantity: 1, items: items(1) })).toEqual({
      ok: false,
      errors: [{ field: 'quantity', reason: 'quantity and items exclude each other: send one' }],
    });
    expect(parseCommitItems({ items: [...items(2), { meter: 'm0', quantity: 3 }] })).toEqual({
      ok: false,
      errors: [{ field: 'items[2].meter', reason: 'meter m0 is already an item: each meter at most once' }],
    });
    expect(parseCommitItems({ items: items(21) })).toMatchObject({ ok: false, errors: [{ field: 'items' }] });
  });
});
