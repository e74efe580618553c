import fc from 'fast-check';
import { RECENT_ENTRY_OVERHEAD, Recent } from './recent';

/**
 * A window as a plain list of entries, oldest first, copied on every change: what {@link Recent}
 * must answer whatever windows it was made from and whatever was done to those since.
 */
interface Model {
  entries: Array<[string, number]>;
  limit: number;
  maxBytes: number;
}

const weightOf = (key: string, value: number) => key.length + JSON.stringify({ n: value }).length + RECENT_ENTRY_OVERHEAD;
const bytesOf = (m: Model) => m.entries.reduce((sum, [key, value]) => sum + weightOf(key, value), 0);

function trimmed(m: Model): Model {
  const entries = [...m.entries];
  let bytes = bytesOf({ ...m, entries });
  while ((entries.length > m.limit || bytes > m.maxBytes) && entries.length > 1) {
    const [key, value] = entries.shift() as [string, number];
    bytes -= weightOf(key, value);
  }
  return { ...m, entries };
}

function modelSet(m: Model, key: string, value: number): Model {
  const at = m.entries.findIndex(([k]) => k === key);
  const entries = [...m.entries];
  if (at >= 0) entries[at] = [key, value];
  else entries.push([key, value]);
  return trimmed({ ...m, entries });
}

type Op =
  | { op: 'set'; from: number; key: string; value: number }
  | { op: 'limit'; from: number; limit: number; maxBytes: number }
  | { op: 'filter'; from: number; odd: boolean };

const key = fc.integer({ min: 0, max: 40 }).map((i) => `k-${i}`);
const from = fc.nat({ max: 1000 });
const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 12, arbitrary: fc.record({ op: fc.constant('set' as const), from, key, value: fc.integer({ min: 0, max: 999 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('limit' as const),
        from,
        limit: fc.integer({ min: 1, max: 12 }),
        maxBytes: fc.oneof(fc.constant(Infinity), fc.integer({ min: 200, max: 2000 })),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('filter' as const), from, odd: fc.boolean() }) },
  ),
  { maxLength: 300 },
);

describe('Recent, against a list copied on every change', () => {
  it('answers every window as the list does, windows being made from any older one and added to in any order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), ops, (limit, steps) => {
        const windows: Array<[Recent<{ n: number }>, Model]> = [
          [Recent.empty(limit), { entries: [], limit, maxBytes: Infinity }],
        ];
        for (const step of steps) {
          // Mostly the newest window (folding), else any older one (a dry run's, a retried batch's).
          const pick = step.from % 3 === 0 ? windows.length - 1 - (step.from % windows.length) : windows.length - 1;
          const [recent, model] = windows[pick];
          if (step.op === 'set') windows.push([recent.set(step.key, { n: step.value }), modelSet(model, step.key, step.value)]);
          else if (step.op === 'limit') {
            windows.push([
              recent.withLimit(step.limit, step.maxBytes),
              trimmed({ ...model, limit: step.limit, maxBytes: step.maxBytes }),
            ]);
          } else {
            const keep = (n: number) => n % 2 === (step.odd ? 1 : 0);
            windows.push([recent.filter((v) => keep(v.n)), { ...model, entries: model.entries.filter(([, n]) => keep(n)) }]);
          }
        }
        // Every window, the oldest included, still answers as its list, and what its log keeps
        // beside its entries stays under a quarter of what they weigh.
        for (const [recent, model] of windows) {
          expect(recent.retainedBytes === 0 || recent.retainedBytes * 4 < recent.bytes).toBe(true);
          expect([...recent].map(([k, v]) => [k, v.n])).toEqual(model.entries);
          expect(recent.size).toBe(model.entries.length);
          expect(recent.bytes).toBe(bytesOf(model));
          for (let i = 0; i <= 40; i++) {
            const expected = model.entries.find(([k]) => k === `k-${i}`);
            expect(recent.get(`k-${i}`)).toEqual(expected === undefined ? undefined : { n: expected[1] });
            expect(recent.has(`k-${i}`)).toBe(expected !== undefined);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('Recent, what a window holds beside its entries', () => {
  const text = 'x'.repeat(300);
  const full = (n: number) => {
    let recent = Recent.empty<string>(2000);
    for (let i = 0; i < n; i++) recent = recent.set(`usage-${String(i).padStart(8, '0')}`, text);
    return recent;
  };

  it('given a full window, when the account cache shrinks it in steps, then its log keeps about a quarter more entries at most', () => {
    let recent = full(2000);
    for (const share of [0.8, 0.64, 0.52]) {
      recent = recent.withLimit(2000, Math.floor(full(2000).bytes * share));
      expect(recent.heldEntries).toBeLessThanOrEqual(Math.ceil(recent.size * 1.25) + 1);
      expect(recent.retainedBytes * 4).toBeLessThan(recent.bytes);
    }
  });

  it('given a window at its limit, when decisions keep coming, then its log keeps about a quarter more entries at most', () => {
    let recent = full(2000);
    for (let i = 0; i < 5000; i++) {
      recent = recent.set(`later-${i}`, text);
      expect(recent.size).toBe(2000);
      expect(recent.heldEntries).toBeLessThanOrEqual(2501);
    }
  });
});
