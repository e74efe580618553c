import type { TallyEvent } from '@tally/events';
import type { RecordedEvent, SqlQueryable } from '@tally/eventstore';
import { projection } from './projection';
import { applyToProjection, RowCache } from './projection-rows';
import { mapYielding } from './yielding';

// A transaction whose statements answer at once (through microtasks only): nothing but an
// explicit yield lets a callback queued with setImmediate run during the fold.
const instantTx: SqlQueryable = { query: async () => ({ rows: [] }) } as unknown as SqlQueryable;

const events = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    recorded: { position: String(i) } as RecordedEvent,
    event: { type: 'UsageAccepted', data: { account: 'a' } } as unknown as TallyEvent,
  }));

describe('folding a large batch beside the api', () => {
  it('lets waiting I/O run between events while a projection folds a batch', async () => {
    // given a callback waiting for the next turn of the event loop
    let turned = false;
    setImmediate(() => (turned = true));
    const seen: boolean[] = [];
    const counts = projection<number>({
      name: 'counts_v1',
      keys: ['account'],
      keysOf: () => [['a']],
      evolve: (state) => {
        seen.push(turned);
        return (state ?? 0) + 1;
      },
    });

    // when a batch of 2,000 events is folded
    await applyToProjection(instantTx, counts, events(2000));

    // then the callback ran before the fold ended, not after it
    expect(seen).toHaveLength(2000);
    expect(seen[seen.length - 1]).toBe(true);
    expect(seen.filter((t) => !t).length).toBeLessThan(1000);
  });

  it('maps a page in chunks, the event loop turning in between', async () => {
    let turned = false;
    setImmediate(() => (turned = true));
    const seen = await mapYielding(
      Array.from({ length: 2000 }, (_, i) => i),
      () => turned,
    );
    expect(seen[0]).toBe(false);
    expect(seen[seen.length - 1]).toBe(true);
  });
});

describe('the rows a runner keeps between batches', () => {
  it('keeps at most its capacity, dropping the least recently used first', () => {
    // given a cache of two rows holding a and b, a read since b was kept
    const cache = new RowCache(2);
    cache.set('a', { n: 1 });
    cache.set('b', { n: 2 });
    expect(cache.get('a')).toEqual({ n: 1 });
    // when a third row is kept
    cache.set('c', { n: 3 });
    // then b, the least recently used, is gone, the others kept
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([{ n: 1 }, undefined, { n: 3 }]);
    expect(cache.size).toBe(2);
  });

  it('keeps nothing with a capacity of 0', () => {
    const cache = new RowCache(0);
    cache.set('a', { n: 1 });
    expect(cache.get('a')).toBeUndefined();
  });
});
