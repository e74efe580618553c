import type { AccountEvent } from '@tally/events';
import { decide } from './account-decider';
import { RECENT_IDS, decisionFor, fold, holdFor, recall, usageOf } from './account-state';
import { claimsOf } from './claims';
import { given } from './testing/given';
import { NOW, commitHold, holdUsage, opened, quotaSet, decideUsage, reverseUsage, usageAccepted } from './testing/fixtures';

/** `n` accepted usages of one unit, ids `u-0` … */
const accepted = (n: number): AccountEvent[] => Array.from({ length: n }, (_, i) => usageAccepted({ id: `u-${i}` }));

describe('bounded memory: what deciding needs, not every decision', () => {
  it('remembers the most recent decisions only, and still counts every one', () => {
    const state = fold([...opened(), quotaSet({ limit: null }), ...accepted(RECENT_IDS + 500)]);
    expect(state.decisions.size).toBe(RECENT_IDS);
    expect(decisionFor(state, 'geocoder', 'u-499')).toBeNull();
    expect(decisionFor(state, 'geocoder', 'u-500')).not.toBeNull();
    expect(usageOf(state, 'geocoding', '2026-11')).toBe(RECENT_IDS + 500);
  });

  it('answers a repeat it still remembers with nothing new', () => {
    given([...opened(), quotaSet({ limit: null }), ...accepted(10)])
      .when(decideUsage({ id: 'u-3' }))
      .thenNothing();
  });

  it('answers a forgotten repeat once its claimed events are recalled, counting nothing', () => {
    const history = [...opened(), quotaSet({ limit: null }), ...accepted(RECENT_IDS + 1)];
    const forgetful = fold(history);
    const repeat = decideUsage({ id: 'u-0' });
    // Forgotten, it looks new: the store refuses the claim this decision makes (claims.contract.ts).
    expect(decide(repeat, forgetful).map((e) => e.type)).toEqual(['UsageAccepted']);
    const recalled = recall(forgetful, [history[2]]);
    expect(decide(repeat, recalled)).toEqual([]);
    expect(usageOf(recalled, 'geocoding', '2026-11')).toBe(RECENT_IDS + 1);
  });

  it('reverses a forgotten usage once recalled, and a recalled reversal makes a second one a no-op', () => {
    const history = [...opened(), quotaSet({ limit: null }), ...accepted(RECENT_IDS + 1)];
    const state = recall(fold(history), [history[2]]);
    const [reversal] = decide(reverseUsage('geocoder', 'u-0'), state);
    expect(reversal).toMatchObject({ type: 'UsageReversed', data: { id: 'u-0', quantity: 1 } });
    expect(decide(reverseUsage('geocoder', 'u-0'), recall(fold(history), [history[2], reversal]))).toEqual([]);
  });

  it('keeps an open hold however many holds came after it, so it can still be committed', () => {
    let state = fold([...opened(), quotaSet({ limit: null })]);
    for (let i = 0; i <= RECENT_IDS; i++) {
      const events = decide(holdUsage({ id: `h-${i}` }, null, NOW, 3600), state);
      state = fold(events, state);
    }
    expect(state.holds.size).toBe(RECENT_IDS);
    expect(holdFor(state, 'geocoder', 'h-0')?.ended).toBeNull();
    expect(decide(commitHold('h-0', 1), state).map((e) => e.type)).toEqual(['HoldReleased', 'UsageAccepted']);
  });
});

describe('claims: what each decision indexes under its (source, id)', () => {
  it('claims a decision, the end of a hold, the usage a commit accepts and a reversal, each of its own kind', () => {
    const start = fold([...opened(), quotaSet({ limit: 10 })]);
    const held = decide(holdUsage({ id: 'r-1' }), start);
    const committed = decide(commitHold('r-1', 1), fold(held, start));
    const reversed = decide(reverseUsage('geocoder', 'r-1'), fold(committed, fold(held, start)));
    const rejected = decide(decideUsage({ id: 'r-2', quantity: 11 }), start);
    expect(claimsOf([...held, ...committed, ...reversed, ...rejected]).map((c) => [c.event, c.id, c.kind])).toEqual([
      [0, 'r-1', 'decided'],
      [1, 'r-1', 'ended'],
      [2, 'r-1', 'committed'],
      [3, 'r-1', 'reversed'],
      [4, 'r-2', 'decided'],
    ]);
    expect(claimsOf(opened(100))).toEqual([]);
  });
});

describe('deciding a usage: what it copies', () => {
  it('copies no tree for an account in no tree (most accounts): its members are not even read through', () => {
    let reads = 0;
    /** Counts every pass over it, as copying it (`new Map(members)`) makes one. */
    class Members<K, V> extends Map<K, V> {
      override [Symbol.iterator](): MapIterator<[K, V]> {
        reads++;
        return super[Symbol.iterator]();
      }
    }
    const state = { ...fold([...opened(), quotaSet({ limit: null })]), members: new Members<string, never>() };
    const events = decide(decideUsage({ id: 'u-1' }), state);
    const after = fold(events, state);
    expect(events.map((e) => e.type)).toEqual(['UsageAccepted']);
    expect(after.members).toBe(state.members);
    expect(reads).toBe(0);
  });
});
