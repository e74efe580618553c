import fc from 'fast-check';
import { linesOf, withDefaultTerms, type AccountEvent, type MeterDefinition } from '@tally/events';
import { decide } from './account-decider';
import { evolve, fold, type Account } from './account-state';
import type { AccountCommand } from './commands';
import { DomainError } from './errors';
import { ACCOUNT, NOW, opened } from './testing/fixtures';

// Small quantities and limits make the boundaries (exactly at, one past) common cases.
fc.configureGlobal({ numRuns: 400 });

const meters: Record<string, MeterDefinition> = {
  geo: { meter: 'geo', description: null, creditsPerUnit: null, defaultQuota: null },
  ocr: { meter: 'ocr', description: null, creditsPerUnit: 2, defaultQuota: null },
};

const quotaArb = fc.record({
  limit: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
  enforcement: fc.constantFrom('hard' as const, 'soft' as const),
  period: fc.constantFrom('month' as const, 'none' as const),
});

const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
const commandArb: fc.Arbitrary<AccountCommand> = fc.oneof(
  fc
    .record({
      meter: fc.constantFrom('geo', 'ocr'),
      id: ids,
      quantity: fc.integer({ min: 1, max: 6 }),
      lateDays: fc.integer({ min: 0, max: 40 }),
    })
    .map(({ meter, id, quantity, lateDays }): AccountCommand => ({
      type: 'DecideUsage',
      account: ACCOUNT,
      usage: {
        source: 'svc',
        id,
        subject: 'alice',
        meter,
        quantity,
        time: new Date(Date.parse(NOW) - lateDays * 86_400_000).toISOString(),
      },
      meter: meters[meter],
      reportedBy: 'key-1',
      now: NOW,
    })),
  // A multi-item usage of both meters, in either order: all or nothing.
  fc
    .record({ id: ids, geo: fc.integer({ min: 1, max: 6 }), ocr: fc.integer({ min: 1, max: 6 }), ocrFirst: fc.boolean() })
    .map(({ id, geo, ocr, ocrFirst }): AccountCommand => {
      const both = [
        { meter: 'geo', quantity: geo },
        { meter: 'ocr', quantity: ocr },
      ];
      const items = ocrFirst ? both.reverse() : both;
      return {
        type: 'DecideUsage',
        account: ACCOUNT,
        usage: { source: 'svc', id, subject: 'alice', ...items[0], items, time: NOW },
        meter: meters[items[0].meter],
        meters: new Map(items.map((item) => [item.meter, meters[item.meter]])),
        reportedBy: 'key-1',
        now: NOW,
      };
    }),
  fc
    .integer({ min: 1, max: 20 })
    .map((amount): AccountCommand => ({ type: 'GrantCredits', account: ACCOUNT, amount, reason: null, grantId: null, now: NOW })),
  ids.map((id): AccountCommand => ({ type: 'ReverseUsage', account: ACCOUNT, source: 'svc', id, reason: null, now: NOW })),
);

/** Runs commands in order, as the command handler does, keeping every event appended. */
function run(quotas: Record<string, ReturnType<typeof withDefaultTerms>>, commands: AccountCommand[]) {
  const history: AccountEvent[] = [...opened(5)];
  for (const [meter, quota] of Object.entries(quotas)) {
    history.push({ type: 'QuotaSet', data: { account: ACCOUNT, meter, quota, at: NOW } });
  }
  let state: Account = fold(history);
  const states: Account[] = [state];
  for (const command of commands) {
    let events: AccountEvent[] = [];
    try {
      events = decide(command, state);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    history.push(...events);
    state = events.reduce(evolve, state);
    states.push(state);
  }
  return { history, state, states };
}

const scenario = fc.record({
  geo: quotaArb.map(withDefaultTerms),
  ocr: fc.option(quotaArb.map(withDefaultTerms), { nil: undefined }),
  commands: fc.array(commandArb, { maxLength: 60 }),
});

type Terms = ReturnType<typeof withDefaultTerms>;
const quotasOf = (s: { geo: Terms; ocr?: Terms }): Record<string, Terms> => (s.ocr ? { geo: s.geo, ocr: s.ocr } : { geo: s.geo });

describe('account invariants (property-based)', () => {
  it('never lets usage pass a hard limit', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const quotas = quotasOf(s);
        const { states } = run(quotas, s.commands);
        for (const state of states) {
          for (const [meter, quota] of Object.entries(quotas)) {
            if (quota.enforcement !== 'hard' || quota.limit === null) continue;
            for (const [key, units] of state.usage.get(meter) ?? []) {
              if (quota.period === 'none' ? key === 'total' : key !== 'total') expect(units).toBeLessThanOrEqual(quota.limit);
            }
          }
        }
      }),
    );
  });

  it('never lets the credit balance go negative, and balance = granted − spent', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const { credits } of run(quotasOf(s), s.commands).states) {
          expect(credits.balance).toBeGreaterThanOrEqual(0);
          expect(credits.balance).toBe(credits.granted - credits.spent);
        }
      }),
    );
  });

  it('counts accepted units as the sum of accepted quantities minus reversals', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { history, state } = run(quotasOf(s), s.commands);
        const expected: Record<string, number> = {};
        for (const e of history) {
          if (e.type !== 'UsageAccepted' && e.type !== 'UsageReversed') continue;
          // Every line of a multi-item usage counts on its own meter.
          for (const { meter, quantity } of linesOf(e.data)) {
            const key = `${meter}|${e.data.month}`;
            expected[key] = (expected[key] ?? 0) + (e.type === 'UsageAccepted' ? quantity : -quantity);
          }
        }
        for (const [key, units] of Object.entries(expected)) {
          const [meter, month] = key.split('|');
          expect(state.usage.get(meter)?.get(month)).toBe(units);
        }
        const reversed = history.filter((e) => e.type === 'UsageReversed').length;
        const acceptedOnce = new Set(history.filter((e) => e.type === 'UsageAccepted').map((e) => (e.data as { id: string }).id));
        expect(reversed).toBeLessThanOrEqual(acceptedOnce.size);
      }),
    );
  });

  it('changes nothing when a request is delivered again', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (s, pick) => {
        const requests = s.commands.filter((c) => c.type === 'DecideUsage');
        fc.pre(requests.length > 0);
        const { state } = run(quotasOf(s), s.commands);
        const again = requests[pick % requests.length];
        expect(decide(again, state)).toEqual([]);
      }),
    );
  });
});
