import fc from 'fast-check';
import { withDefaultTerms, type AccountEvent, type MeterDefinition } from '@tally/events';
import type { Account } from './account-state';
import type { AccountCommand } from './commands';
import { heldCredits, heldUnits, holdLive } from './hold-state';
import { ACCOUNT, NOW, opened } from './testing/fixtures';
import { runSteps, type Step } from './testing/steps';

fc.configureGlobal({ numRuns: 300 });

const meters: Record<string, MeterDefinition> = {
  geo: { meter: 'geo', description: null, creditsPerUnit: null, defaultQuota: null },
  ocr: { meter: 'ocr', description: null, creditsPerUnit: 3, defaultQuota: null },
};
const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const meterName = fc.constantFrom('geo', 'ocr');

const usage = (meter: string, id: string, quantity: number) => ({
  source: 'svc',
  id,
  subject: 'alice',
  meter,
  quantity,
  time: null,
});
const stepArb: fc.Arbitrary<Step> = fc.record({
  advance: fc.integer({ min: 0, max: 90 }),
  command: fc.oneof(
    fc
      .record({ meter: meterName, id: ids, quantity: fc.integer({ min: 1, max: 6 }) })
      .map(({ meter, id, quantity }) => (now: string): AccountCommand => ({
        type: 'DecideUsage',
        account: ACCOUNT,
        usage: usage(meter, `u-${id}`, quantity),
        meter: meters[meter],
        reportedBy: 'k',
        now,
      })),
    fc
      .record({ meter: meterName, id: ids, quantity: fc.integer({ min: 1, max: 6 }), ttl: fc.integer({ min: 1, max: 240 }) })
      .map(({ meter, id, quantity, ttl }) => (now: string): AccountCommand => ({
        type: 'HoldUsage',
        account: ACCOUNT,
        usage: usage(meter, id, quantity),
        meter: meters[meter],
        ttlSeconds: ttl,
        reportedBy: 'k',
        now,
      })),
    fc
      .record({ meter: meterName, id: ids, quantity: fc.option(fc.integer({ min: 1, max: 7 }), { nil: null }) })
      .map(({ meter, id, quantity }) => (now: string): AccountCommand => ({
        type: 'CommitHold',
        account: ACCOUNT,
        source: 'svc',
        id,
        quantity,
        meter: meters[meter],
        reportedBy: 'k',
        now,
      })),
    ids.map((id) => (now: string): AccountCommand => ({ type: 'ReleaseHold', account: ACCOUNT, source: 'svc', id, now })),
    fc.integer({ min: 1, max: 20 }).map((amount) => (now: string): AccountCommand => ({
      type: 'GrantCredits',
      account: ACCOUNT,
      amount,
      reason: null,
      grantId: null,
      now,
    })),
  ),
});

const scenario = fc.record({
  limit: fc.integer({ min: 0, max: 20 }),
  enforcement: fc.constantFrom('hard' as const, 'soft' as const),
  period: fc.constantFrom('month' as const, 'none' as const),
  steps: fc.array(stepArb, { maxLength: 50 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Runs the steps on a clock that only moves forward; returns each state with its instant. */
function run(s: Scenario) {
  const quota = withDefaultTerms({ limit: s.limit, enforcement: s.enforcement, period: s.period });
  const history: AccountEvent[] = [...opened(5), { type: 'QuotaSet', data: { account: ACCOUNT, meter: 'geo', quota, at: NOW } }];
  const states: Array<{ state: Account; now: string }> = [];
  const { state, now: end } = runSteps([...history], s.steps, ({ events, after, now }) => {
    history.push(...events);
    states.push({ state: after, now });
  });
  return { quota, history, state, states, end };
}

describe('hold invariants (property-based)', () => {
  it('never lets usage + held units pass a hard limit', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { quota, states } = run(s);
        fc.pre(quota.enforcement === 'hard');
        for (const { state, now } of states) {
          const key = quota.period === 'none' ? 'total' : now.slice(0, 7);
          const used = state.usage.get('geo')?.get(key) ?? 0;
          expect(used + heldUnits(state, 'geo', key, now)).toBeLessThanOrEqual(s.limit);
        }
      }),
    );
  });

  it('never lets credits minus held credits go negative', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const { state, now } of run(s).states) {
          expect(state.credits.balance - heldCredits(state, now)).toBeGreaterThanOrEqual(0);
          expect(state.credits.balance).toBe(state.credits.granted - state.credits.spent);
        }
      }),
    );
  });

  it('ends every hold committed (at most what it held, once), released or expired', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { history, state, end } = run(s);
        const afterEveryTtl = new Date(Date.parse(end) + 3_600_000).toISOString();
        for (const { hold, ended } of state.holds.values()) {
          expect(ended !== null || !holdLive(hold, afterEveryTtl)).toBe(true);
          if (ended?.committed != null) expect(ended.committed).toBeLessThanOrEqual(hold.quantity);
        }
        const endings = history.filter((e) => e.type === 'HoldReleased').map((e) => e.data.id);
        expect(new Set(endings).size).toBe(endings.length);
        expect(heldUnits(state, 'geo', 'total', afterEveryTtl) + heldCredits(state, afterEveryTtl)).toBe(0);
      }),
    );
  });
});
