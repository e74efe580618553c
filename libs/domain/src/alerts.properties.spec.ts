import fc from 'fast-check';
import { withDefaultTerms, type AlertData } from '@tally/events';
import { evolve, fold } from './account-state';
import type { AccountCommand } from './commands';
import { decideOrNothing } from './testing/decide-or-nothing';
import { ACCOUNT, NOW, opened } from './testing/fixtures';

const ocr = { meter: 'ocr', description: null, creditsPerUnit: 1, defaultQuota: null };
const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const commandArb: fc.Arbitrary<AccountCommand> = fc.oneof(
  fc.record({ id: ids, quantity: fc.integer({ min: 1, max: 6 }) }).map(({ id, quantity }): AccountCommand => ({
    type: 'DecideUsage',
    account: ACCOUNT,
    usage: { source: 'svc', id, subject: 'alice', meter: 'ocr', quantity, time: null },
    meter: ocr,
    reportedBy: 'key-1',
    now: NOW,
  })),
  fc
    .integer({ min: 1, max: 15 })
    .map((amount): AccountCommand => ({ type: 'GrantCredits', account: ACCOUNT, amount, reason: null, grantId: null, now: NOW })),
  ids.map((id): AccountCommand => ({ type: 'ReverseUsage', account: ACCOUNT, source: 'svc', id, reason: null, now: NOW })),
);

describe('alerts (property-based)', () => {
  it('raise each threshold at most once per period, exactly when usage has reached it, and credits.low exactly at each downward crossing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 150 }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(commandArb, { maxLength: 40 }),
        (limit, alertAt, creditsBelow, commands) => {
          const quota = withDefaultTerms({ limit, enforcement: 'soft', alertAt });
          let state = fold([
            ...opened(10),
            { type: 'QuotaSet', data: { account: ACCOUNT, meter: 'ocr', quota, at: NOW } },
            { type: 'CreditAlertSet', data: { account: ACCOUNT, creditsBelow, at: NOW } },
          ]);
          const raised: AlertData[] = [];
          let crossings = 0;
          let peak = 0;
          for (const command of commands) {
            const events = decideOrNothing(command, state);
            const before = state.credits.balance;
            state = events.reduce(evolve, state);
            if (before >= creditsBelow && state.credits.balance < creditsBelow && events[0]?.type === 'UsageAccepted')
              crossings++;
            peak = Math.max(peak, state.usage.get('ocr')?.get('2026-11') ?? 0);
            raised.push(...events.flatMap((e) => (e.type === 'AlertRaised' ? [e.data] : [])));
          }
          const thresholds = raised.filter((a) => a.kind === 'quota.threshold').map((a) => a.threshold);
          expect(new Set(thresholds).size).toBe(thresholds.length);
          expect(thresholds.sort((a, b) => a - b)).toEqual(alertAt.filter((p) => peak * 100 >= p * limit).sort((a, b) => a - b));
          expect(raised.filter((a) => a.kind === 'credits.low')).toHaveLength(crossings);
          expect(new Set(raised.map((a) => a.id)).size).toBe(raised.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
