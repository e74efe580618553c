import { deserialize, withDefaultTerms, type AccountEvent, type QuotaSet, type RateLimit } from '@tally/events';
import { fold } from './account-state';
import { decided } from './testing/decided';
import { given } from './testing/given';
import {
  ACCOUNT,
  NOW,
  closedAt,
  commitHold,
  decideUsage,
  holdUsage,
  later,
  meter,
  opened,
  quotaSet,
  releaseHold,
  usageAccepted,
} from './testing/fixtures';

const perSecond = (units: number, burst = units): RateLimit => ({ units, per: 'second', burst });
/** An account whose geocoding quota (unlimited unless said) has the rate limit `rateLimit`. */
const limited = (rateLimit: RateLimit, limit: number | null = null): AccountEvent[] => [
  ...opened(),
  quotaSet({ limit, rateLimit }),
];
/** `n` usages of one unit decided at `now`. */
const ones = (n: number, now = NOW) => Array.from({ length: n }, () => decideUsage({ quantity: 1 }, null, now));
/** The same usage reported over Kafka (it has happened already). */
const reported = (quantity: number, now = NOW) => ({
  ...decideUsage({ quantity }, null, now),
  reportedBy: 'kafka',
  afterTheFact: true,
});

describe('rate limit (rule 4a)', () => {
  it('admits a burst of `units` at once, then refuses RATE_LIMITED with when one unit will be back', () => {
    const five = decided(limited(perSecond(5)), ...ones(5));
    expect(five.filter((e) => e.type === 'UsageAccepted')).toHaveLength(5);
    given(five)
      .when(decideUsage({ quantity: 1 }))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', retryAfterMs: 200, usage: 5 } }]);
  });

  it('refills continuously on decision time: 5 a second gives 2 back after 400 ms, not 3', () => {
    const empty = decided(limited(perSecond(5)), ...ones(5));
    given(empty)
      .when(decideUsage({ quantity: 2 }, null, later(0.4)))
      .then([{ type: 'UsageAccepted', data: { quantity: 2 } }]);
    given(empty)
      .when(decideUsage({ quantity: 3 }, null, later(0.4)))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', retryAfterMs: 200 } }]);
  });

  it('says when the bucket will hold the whole quantity, rounded up to the millisecond', () => {
    given(decided(limited(perSecond(5)), ...ones(5)))
      .when(decideUsage({ quantity: 3 }))
      .then([{ type: 'UsageRejected', data: { retryAfterMs: 600 } }]);
    // 3 a second: one unit every 333⅓ ms.
    given(decided(limited(perSecond(3)), ...ones(3)))
      .when(decideUsage({ quantity: 1 }))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', retryAfterMs: 334 } }]);
    given(decided(limited({ units: 2, per: 'minute', burst: 10 }), decideUsage({ quantity: 10 })))
      .when(decideUsage({ quantity: 1 }))
      .then([{ type: 'UsageRejected', data: { retryAfterMs: 30_000 } }]);
  });

  it('holds no retry time when the quantity is above the burst: the bucket never holds it', () => {
    const [rejected] = given(limited(perSecond(5, 8)))
      .when(decideUsage({ quantity: 9 }))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED' } }]);
    expect(rejected.data).not.toHaveProperty('retryAfterMs');
  });

  it('admits up to `burst` at once when the burst is above the rate, and never refills past it', () => {
    const rate = { units: 1, per: 'hour', burst: 10 } as const;
    given(limited(rate))
      .when(decideUsage({ quantity: 10 }))
      .then([{ type: 'UsageAccepted' }]);
    // A day later the bucket holds 10, not 24.
    const dayLater = later(86_400);
    given(decided(limited(rate), decideUsage({ quantity: 10 }), decideUsage({ quantity: 10 }, null, dayLater)))
      .when(decideUsage({ quantity: 1 }, null, dayLater))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', retryAfterMs: 3_600_000 } }]);
  });

  it('measures decision time, not event time: an old event time refills nothing', () => {
    const hourAgo = new Date(Date.parse(NOW) - 3_600_000).toISOString();
    given(decided(limited(perSecond(5)), ...ones(5)))
      .when(decideUsage({ quantity: 1, time: hourAgo }))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED' } }]);
  });

  it('refills nothing for a decision timed before the last one (another instance clock), nor twice after it', () => {
    const history = decided(limited(perSecond(5)), ...ones(5, later(1)));
    given(history)
      .when(decideUsage({ quantity: 1 }, null, NOW))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', retryAfterMs: 200 } }]);
    // Refilled since the later instant only: 1 unit at 200 ms past it, not 5.
    const after = decided(history, decideUsage({ quantity: 1 }, null, later(1.2)));
    given(after)
      .when(decideUsage({ quantity: 1 }, null, later(1)))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED' } }]);
  });

  it('is checked after a disabled meter and before the limit, and a rejection takes no tokens', () => {
    given([...opened(), quotaSet({ limit: 0, rateLimit: perSecond(1) })])
      .when(decideUsage({ quantity: 1 }))
      .then([{ type: 'UsageRejected', data: { reason: 'METER_DISABLED' } }]);
    given(decided(limited(perSecond(2), 10), ...ones(2), decideUsage({ quantity: 1 })))
      .when(decideUsage({ quantity: 1 }, null, later(0.5)))
      .then([{ type: 'UsageAccepted' }]);
    // Refused by the limit, it leaves the bucket full: the next request has all of it.
    given(decided([...limited(perSecond(3), 4), usageAccepted({ quantity: 2 })], decideUsage({ quantity: 3 })))
      .when(decideUsage({ quantity: 2 }))
      .then([{ type: 'UsageAccepted', data: { usage: 4 } }]);
  });

  it('applies the rate limit of a meter’s default quota to an account without its own', () => {
    const geocoding = meter({ defaultQuota: withDefaultTerms({ limit: null, rateLimit: perSecond(1) }) });
    given(decided(opened(), decideUsage({ quantity: 1 }, geocoding)))
      .when(decideUsage({ quantity: 1 }, geocoding))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', retryAfterMs: 1000 } }]);
  });

  describe('usage reported over Kafka (after the fact)', () => {
    it('is never refused, takes its tokens below zero, and live callers wait for the true rate', () => {
      given(limited(perSecond(5)))
        .when(reported(8))
        .then([{ type: 'UsageAccepted', data: { quantity: 8, reportedBy: 'kafka' } }]);
      // The bucket owes 3: one unit is 4 units of refill away, 800 ms.
      given(decided(limited(perSecond(5)), reported(8)))
        .when(decideUsage({ quantity: 1 }))
        .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', retryAfterMs: 800 } }]);
    });

    it('still obeys every other rule', () => {
      given(limited(perSecond(5), 4))
        .when(reported(5))
        .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED' } }]);
    });
  });

  describe('reservations', () => {
    it('take their tokens when held; a commit takes none and a release gives none back', () => {
      const held = decided(limited(perSecond(5)), holdUsage({ id: 'h-1', quantity: 4 }));
      given(held)
        .when(holdUsage({ id: 'h-2', quantity: 2 }))
        .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', retryAfterMs: 200 } }]);
      given(decided(held, commitHold('h-1', 4)))
        .when(decideUsage({ quantity: 1 }))
        .then([{ type: 'UsageAccepted' }]);
      given(decided(held, commitHold('h-1', 4), decideUsage({ quantity: 1 })))
        .when(decideUsage({ quantity: 1 }))
        .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED' } }]);
      given(decided(held, releaseHold('h-1'), decideUsage({ quantity: 1 })))
        .when(decideUsage({ quantity: 1 }))
        .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED' } }]);
    });
  });

  it('keeps one bucket per rate-limited meter, whatever the traffic', () => {
    const state = fold(decided(limited(perSecond(1_000)), ...ones(40), ...ones(40, later(1))));
    expect([...state.buckets.keys()]).toEqual(['geocoding']);
  });

  it('takes the new terms at once: a lower burst caps what the bucket holds', () => {
    const history = [
      ...decided(limited(perSecond(10)), decideUsage({ quantity: 1 })),
      quotaSet({ limit: null, rateLimit: perSecond(10, 2) }),
    ];
    given(history)
      .when(decideUsage({ quantity: 3 }, null, later(10)))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED' } }]);
    given(history)
      .when(decideUsage({ quantity: 2 }, null, later(10)))
      .then([{ type: 'UsageAccepted' }]);
  });

  it('carries the bucket into the next period when the books close', () => {
    const endOfMonth = '2026-11-30T23:59:59.800Z';
    const state = fold(decided(limited(perSecond(5)), ...ones(5, endOfMonth)));
    const { closing, opening } = closedAt(state, '2026-12-01T00:00:00.000Z');
    given([opening])
      .when(decideUsage({ quantity: 2 }, null, '2026-12-01T00:00:00.000Z'))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', retryAfterMs: 200 } }]);
    expect(closing.type).toBe('PeriodClosed');
  });

  it('reads terms stored before rate limits as having none, and a stored burst-less one as burst = units', () => {
    const read = (quota: Record<string, unknown>) =>
      (deserialize({ type: 'QuotaSet.v1', data: { account: ACCOUNT, meter: 'geocoding', quota, at: NOW } }) as QuotaSet).data
        .quota;
    expect(read({ limit: 10 }).rateLimit).toBeNull();
    expect(read({ limit: 10, rateLimit: { units: 3, per: 'minute' } }).rateLimit).toEqual({ units: 3, per: 'minute', burst: 3 });
    expect(read({ limit: 10, rateLimit: { units: 3, per: 'fortnight' } }).rateLimit).toBeNull();
  });
});
