import type { AccountEvent, RateLimit } from '@tally/events';
import { fold } from './account-state';
import { creditsView } from './credit-views';
import { decided } from './testing/decided';
import { given } from './testing/given';
import { NOW, closedAt, creditsGranted, decideUsage, meter, opened, quotaSet, setAllowance } from './testing/fixtures';

// Credit grants together with quota periods and rate limits: each keeps its own clock.
const priced = meter({ creditsPerUnit: 1 });
const spend = (quantity: number, now = NOW) => decideUsage({ quantity }, priced, now);
const perSecond = (units: number): RateLimit => ({ units, per: 'second', burst: units });
const dayAllowance = (amount: number, now: string) => setAllowance(amount, 'day', now);

describe('a rate-limited meter that costs credits', () => {
  const history: AccountEvent[] = [
    ...opened(),
    quotaSet({ limit: null, rateLimit: perSecond(1) }),
    creditsGranted(5, 5, 'promo', { priority: 10 }),
    creditsGranted(5, 10, 'paid'),
  ];

  it('burns no grant for a RATE_LIMITED rejection: the credits stay where they were', () => {
    const afterOne = decided(history, spend(1));
    expect(afterOne.at(-1)).toMatchObject({ type: 'UsageAccepted', data: { burns: [{ grant: 'promo', amount: 1 }] } });

    const [rejected] = given(afterOne)
      .when(spend(1))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', retryAfterMs: 1000 } }]);
    expect(rejected.data).not.toHaveProperty('burns');
    expect(rejected.data).not.toHaveProperty('creditsCharged');

    const state = fold([...afterOne, rejected]);
    expect(creditsView(state, NOW, 0)).toMatchObject({ balance: 9, spent: 1 });
    expect(state.grants.get('promo')?.remaining).toBe(4);
    expect(state.grants.get('paid')?.remaining).toBe(5);
  });
});

describe('a day allowance while a week quota runs', () => {
  // Tuesday and Wednesday of the ISO week from Monday 16 November 2026.
  const TUESDAY = '2026-11-17T10:00:00.000Z';
  const WEDNESDAY = '2026-11-18T08:00:00.000Z';
  const WEEK = '2026-11-16T00:00:00.000Z/2026-11-23T00:00:00.000Z';
  const tuesday = decided([...opened(), quotaSet({ limit: 10, period: 'week' })], dayAllowance(10, TUESDAY), spend(6, TUESDAY));
  const newDay = [
    { type: 'CreditsExpired', data: { grantId: 'allowance:2026-11-17', amount: 4, at: '2026-11-18T00:00:00.000Z' } },
    {
      type: 'CreditsGranted',
      data: {
        grantId: 'allowance:2026-11-18',
        amount: 10,
        effectiveAt: '2026-11-18T00:00:00.000Z',
        expiresAt: '2026-11-19T00:00:00.000Z',
      },
    },
  ] as const;

  it("re-issues at the UTC day's start while the week keeps counting Tuesday's usage", () => {
    given(tuesday)
      .when(spend(4, WEDNESDAY))
      .then([
        ...newDay,
        {
          type: 'UsageAccepted',
          data: { period: WEEK, usage: 10, remaining: 0, burns: [{ grant: 'allowance:2026-11-18', amount: 4 }] },
        },
      ]);
  });

  it('refuses past the week limit on a new day even though the new allowance could pay', () => {
    given(tuesday)
      .when(spend(5, WEDNESDAY))
      .then([...newDay, { type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', period: WEEK, usage: 6 } }]);
  });
});

describe('closing the books in the middle of a week', () => {
  it("carries the live grants and the week's usage into the next month", () => {
    const history = decided(
      [
        ...opened(),
        quotaSet({ limit: 10, period: 'week' }),
        creditsGranted(20, 20, 'promo', { expiresAt: '2026-12-31T00:00:00.000Z' }),
      ],
      spend(3, '2026-11-30T10:00:00.000Z'),
    );
    const { closing, opening } = closedAt(fold(history), '2026-12-01T01:00:00.000Z');
    expect(opening.data.carried.grants).toEqual([expect.objectContaining({ id: 'promo', remaining: 17, ended: null })]);

    const december = [...history, closing, opening];
    given(december)
      .when(spend(8, '2026-12-01T02:00:00.000Z'))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', usage: 3, month: '2026-12' } }]);
    given(december)
      .when(spend(7, '2026-12-01T02:00:00.000Z'))
      .then([{ type: 'UsageAccepted', data: { usage: 10, remaining: 0, burns: [{ grant: 'promo', amount: 7 }] } }]);
  });
});
