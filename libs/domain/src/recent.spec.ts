import { Recent } from './recent';

/** A Recent holding `n` keys k-0 … with records { n: i }. */
const filled = (n: number, limit: number): Recent<{ n: number }> =>
  Array.from({ length: n }, (_, i) => i).reduce((r, i) => r.set(`k-${i}`, { n: i }), Recent.empty<{ n: number }>(limit));

describe('Recent: the bounded window of recent ids', () => {
  it('forgets the oldest keys beyond its limit, and keeps a replaced key in its place', () => {
    const recent = filled(5, 3).set('k-3', { n: 33 }).set('k-5', { n: 5 });
    expect([...recent].map(([key]) => key).sort()).toEqual(['k-3', 'k-4', 'k-5']);
    expect(recent.get('k-3')).toEqual({ n: 33 });
    expect(recent.get('k-2')).toBeUndefined();
  });

  it('stays persistent when a window is added to after a newer one was made from it: each forgets its own oldest', () => {
    const keys = (r: Recent<{ n: number }>) => [...r].map(([key]) => key).sort();
    const base = filled(5, 3);
    const a = base.set('a', { n: -1 });
    const b = base.set('b', { n: -2 });
    expect(keys(a.set('a2', { n: -3 }))).toEqual(['a', 'a2', 'k-4']);
    expect(keys(b.set('b2', { n: -4 }).set('b3', { n: -5 }).set('b4', { n: -9 }))).toEqual(['b2', 'b3', 'b4']);
    expect(keys(a.set('a3', { n: -6 }).set('a4', { n: -7 }))).toEqual(['a', 'a3', 'a4']);
    expect(keys(base)).toEqual(['k-2', 'k-3', 'k-4']);
    expect(keys(base.set('c', { n: -8 }))).toEqual(['c', 'k-3', 'k-4']);
  });

  it('stays persistent across many windows forgotten since (its keys copied down meanwhile)', () => {
    const keys = (r: Recent<{ n: number }>) => [...r].map(([key]) => Number(key.slice(2))).sort((x, y) => x - y);
    const mid = filled(50, 10);
    const later = Array.from({ length: 500 }, (_, i) => 50 + i).reduce((r, i) => r.set(`k-${i}`, { n: i }), mid);
    expect(keys(later)).toEqual(Array.from({ length: 10 }, (_, i) => 540 + i));
    expect(keys(later.set('k-999', { n: 999 }))).toEqual([...Array.from({ length: 9 }, (_, i) => 541 + i), 999]);
    expect(keys(mid)).toEqual(Array.from({ length: 10 }, (_, i) => 40 + i));
    expect(keys(mid.set('k-998', { n: 998 }))).toEqual([...Array.from({ length: 9 }, (_, i) => 41 + i), 998]);
  });

  it('gives back a copy equal to what was set, never the object itself (a caller cannot change it)', () => {
    const record = { event: { data: { id: 'u-1', lines: [{ meter: 'm', quantity: 2 }] } }, reversal: null };
    const recent = Recent.empty<typeof record>().set('u-1', record);
    const read = recent.get('u-1');
    expect(read).toEqual(record);
    expect(read).not.toBe(record);
    (read as typeof record).event.data.id = 'changed';
    expect(recent.get('u-1')).toEqual(record);
  });

  it('keeps fewer from now on with a smaller limit (the oldest forgotten), and more with a larger one', () => {
    const narrowed = filled(10, 10).withLimit(4);
    expect(narrowed.size).toBe(4);
    expect(narrowed.capacity).toEqual({ ids: 4, bytes: Infinity });
    expect(narrowed.has('k-5')).toBe(false);
    expect(narrowed.has('k-6')).toBe(true);
    const widened = narrowed.withLimit(6).set('k-10', { n: 10 }).set('k-11', { n: 11 });
    expect(widened.size).toBe(6);
    expect(widened.has('k-6')).toBe(true);
    // Persistent: the narrowed window is unchanged.
    expect(narrowed.size).toBe(4);
  });

  it('filters in order, the window still forgetting the oldest kept first', () => {
    const evens = filled(6, 6).filter((v) => v.n % 2 === 0);
    expect(evens.size).toBe(3);
    const next = evens.withLimit(2);
    expect(next.has('k-0')).toBe(false);
    expect(next.has('k-2')).toBe(true);
    expect(next.has('k-4')).toBe(true);
  });

  it('keeps no more bytes than its byte limit, forgetting the oldest, but always the newest entry', () => {
    const lastTen = filled(100, 10).bytes;
    const narrowed = filled(100, 1000).withLimit(1000, lastTen);
    expect(narrowed.size).toBe(10);
    expect(narrowed.has('k-90')).toBe(true);
    expect(narrowed.bytes).toBe(lastTen);
    expect(filled(100, 1000).withLimit(1000, lastTen - 1).size).toBe(9);
    const big = narrowed.set('big', { n: Number.MAX_SAFE_INTEGER, text: 'x'.repeat(100_000) } as never);
    expect(big.size).toBe(1);
    expect(big.has('big')).toBe(true);
  });

  it('weighs a replaced value by its new text', () => {
    const recent = Recent.empty<{ t: string }>().set('a', { t: 'x' });
    const replaced = recent.set('a', { t: 'xxxxxxxxxx' });
    expect(replaced.bytes - recent.bytes).toBe(9);
    expect(replaced.filter(() => true).bytes).toBe(replaced.bytes);
    expect(replaced.set('b', { t: '' }).filter((_, key) => key === 'a').bytes).toBe(replaced.bytes);
  });
});
