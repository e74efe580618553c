import fc from 'fast-check';
import { evolve } from './account-state';
import type { AccountCommand } from './commands';
import { spendableCredits } from './credit-decider';
import { creditsView } from './credit-views';
import { earmarkedAt } from './earmarks';
import { grantLive } from './grants';
import { heldCredits } from './hold-state';
import { ACCOUNT, opened } from './testing/fixtures';
import { runSteps, type Step } from './testing/steps';

fc.configureGlobal({ numRuns: 300 });

const priced = { meter: 'ocr', description: null, creditsPerUnit: 2, defaultQuota: null };
const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const grantIds = fc.constantFrom('g1', 'g2', 'g3', 'g4');

const usage = (id: string, quantity: number, now: string) => ({
  account: ACCOUNT,
  usage: { source: 'svc', id, subject: 'alice', meter: 'ocr', quantity, time: null },
  meter: priced,
  reportedBy: 'key-1',
  now,
});

/** Steps whose time moves on by one of `advances` seconds. */
const stepsMoving = (...advances: number[]): fc.Arbitrary<Step> =>
  fc.record({
    advance: fc.constantFrom(...advances),
    command: fc.oneof(
      fc
        .record({
          id: fc.option(grantIds, { nil: null }),
          amount: fc.integer({ min: 1, max: 20 }),
          priority: fc.integer({ min: 1, max: 3 }),
          starts: fc.constantFrom(-10, 0, 0, 20),
          lasts: fc.option(fc.constantFrom(1, 10, 60, 3600), { nil: null }),
        })
        .map(({ id, amount, priority, starts, lasts }) => (now: string): AccountCommand => {
          const effectiveAt = new Date(Date.parse(now) + starts * 1000).toISOString();
          const expiresAt = lasts === null ? null : new Date(Date.parse(effectiveAt) + lasts * 1000).toISOString();
          return {
            type: 'GrantCredits',
            account: ACCOUNT,
            amount,
            reason: null,
            grantId: id,
            priority,
            effectiveAt,
            expiresAt,
            now,
          };
        }),
      fc
        .record({ id: ids, quantity: fc.integer({ min: 1, max: 8 }) })
        .map(({ id, quantity }) => (now: string): AccountCommand => ({ type: 'DecideUsage', ...usage(id, quantity, now) })),
      fc
        .record({ id: ids, quantity: fc.integer({ min: 1, max: 8 }) })
        .map(({ id, quantity }) => (now: string): AccountCommand => ({
          type: 'HoldUsage',
          ...usage(`h-${id}`, quantity, now),
          ttlSeconds: 20,
        })),
      fc
        .record({ id: ids, quantity: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }) })
        .map(({ id, quantity }) => (now: string): AccountCommand => ({
          type: 'CommitHold',
          account: ACCOUNT,
          source: 'svc',
          id: `h-${id}`,
          quantity,
          meter: priced,
          reportedBy: 'key-1',
          now,
        })),
      ids.map((id) => (now: string): AccountCommand => ({
        type: 'ReleaseHold',
        account: ACCOUNT,
        source: 'svc',
        id: `h-${id}`,
        now,
      })),
      ids.map((id) => (now: string): AccountCommand => ({
        type: 'ReverseUsage',
        account: ACCOUNT,
        source: 'svc',
        id,
        reason: null,
        now,
      })),
      grantIds.map((grantId) => (now: string): AccountCommand => ({
        type: 'VoidGrant',
        account: ACCOUNT,
        grantId,
        reason: null,
        now,
      })),
    ),
  });
const stepArb = stepsMoving(0, 1, 5, 30, 3600, 86_400);
// Seconds apart: grants (1 to 10 s) expire and get voided under holds (20 s) that are then committed.
const closeSteps = stepsMoving(0, 1, 2, 5);

describe('grants under random interleavings of grants, debits, holds, reversals, expiries and voids', () => {
  it("the balance is the sum of the live grants' remainders (and of what ended ones keep for open holds), never negative", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 50 }), (steps) => {
        runSteps(opened(), steps, ({ after: state, now }) => {
          const view = creditsView(state, now, heldCredits(state, now));
          const earmarked = earmarkedAt(state.earmarks, now);
          let expected = 0;
          for (const g of state.grants.values()) {
            // Earmarks never exceed what is left of a grant.
            expect(earmarked.get(g.id) ?? 0).toBeLessThanOrEqual(g.remaining);
            if (grantLive(g, now)) expected += g.remaining;
            else if (Date.parse(g.effectiveAt) <= Date.parse(now)) expected += earmarked.get(g.id) ?? 0;
          }
          expect(view.balance).toBe(expected);
          expect(view.balance).toBeGreaterThanOrEqual(0);
          expect(view.balance).toBe(view.granted - view.spent - view.expired - view.voided);
          expect([...earmarked.values()].reduce((n, c) => n + c, 0)).toBe(heldCredits(state, now));
          for (const g of state.grants.values()) expect(g.remaining).toBeGreaterThanOrEqual(0);
          // The recorded balance is what the grants hold: those not yet ended, and what ended ones keep.
          expect(state.credits.balance).toBe([...state.grants.values()].reduce((sum, g) => sum + g.remaining, 0));
        });
      }),
    );
  });

  it('pays a commit within its hold in full, whatever became of the grants it earmarked', () => {
    fc.assert(
      fc.property(fc.array(closeSteps, { maxLength: 50 }), (steps) => {
        runSteps(opened(), steps, ({ command, events }) => {
          for (const event of events) {
            if (command.type === 'CommitHold' && event.type === 'UsageAccepted') {
              expect(event.data.creditsCharged).toBe(event.data.quantity * 2);
            }
          }
        });
      }),
      // A commit whose grants ended under it, with too few live credits to pay otherwise, is a rare interleaving.
      { numRuns: 2000 },
    );
  });

  it('accepts a usage only for credits that are live and not held', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 50 }), (steps) => {
        runSteps(opened(), steps, ({ command, now, events, before }) => {
          let state = before;
          for (const event of events) {
            if (command.type === 'DecideUsage' && event.type === 'UsageAccepted') {
              expect(event.data.creditsCharged).toBeLessThanOrEqual(spendableCredits(state, now));
              expect(event.data.creditsCharged).toBe(event.data.quantity * 2);
            }
            state = evolve(state, event);
          }
        });
      }),
    );
  });
});
