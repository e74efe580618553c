import { withDefaultTerms, type AccountEvent, type QuotaTerms } from '@tally/events';
import { fold, usageOf } from './account-state';
import { decideBooks } from './books';
import { heldUnits } from './hold-state';
import { decided } from './testing/decided';
import { given } from './testing/given';
import { ACCOUNT, NOW, commitHold, decideUsage, holdUsage, meter, opened, quotaSet, reverseUsage } from './testing/fixtures';

// NOW is Sunday 2026-11-22 10:00 UTC.
const TODAY = '2026-11-22T00:00:00.000Z/2026-11-23T00:00:00.000Z';
const THIS_WEEK = '2026-11-16T00:00:00.000Z/2026-11-23T00:00:00.000Z';
const ANCHORED = '2026-11-15T09:00:00.000Z/2026-12-15T09:00:00.000Z';
const EARLIER_ANCHORED = '2026-10-15T09:00:00.000Z/2026-11-15T09:00:00.000Z';

/** The history of an account with a quota, after `units` were accepted at event time `time`. */
function used(quota: Partial<QuotaTerms> & { limit: number | null }, units: number, time: string | null = null): AccountEvent[] {
  return decided([...opened(), quotaSet(quota)], decideUsage({ quantity: units, time }));
}

describe('a day quota', () => {
  it('refuses past its limit within the UTC day, naming the day it counted in', () => {
    given(used({ limit: 10, period: 'day' }, 10))
      .when(decideUsage({ quantity: 1, time: '2026-11-22T00:00:00.000Z' }))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', period: TODAY, month: '2026-11', usage: 10 } }]);
  });

  it('admits again in another day, counted from zero', () => {
    given(used({ limit: 10, period: 'day' }, 10))
      .when(decideUsage({ quantity: 4, time: '2026-11-21T23:59:59.999Z' }))
      .then([{ type: 'UsageAccepted', data: { period: '2026-11-21T00:00:00.000Z/2026-11-22T00:00:00.000Z', usage: 4 } }]);
  });
});

describe('a week quota', () => {
  it('counts Monday to Sunday together and starts again on Monday', () => {
    const history = used({ limit: 5, period: 'week' }, 5, '2026-11-16T00:00:00.000Z');
    given(history)
      .when(decideUsage({ quantity: 1 }))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', period: THIS_WEEK } }]);
    given(history)
      .when(decideUsage({ quantity: 5, time: '2026-11-15T23:00:00.000Z' }))
      .then([{ type: 'UsageAccepted', data: { usage: 5, period: '2026-11-09T00:00:00.000Z/2026-11-16T00:00:00.000Z' } }]);
  });
});

describe('an anchored month quota', () => {
  const quota = { limit: 10, anchor: '2026-01-15T09:00:00.000Z' };

  it('counts from the anchor day and time, across the calendar month', () => {
    given(used(quota, 6, '2026-11-15T09:00:00.000Z'))
      .when(decideUsage({ quantity: 5 }))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', period: ANCHORED, usage: 6, remaining: 4 } }]);
  });

  it('puts an instant before the anchor time in the period before', () => {
    given(used(quota, 10))
      .when(decideUsage({ quantity: 10, time: '2026-11-15T08:59:59.000Z' }))
      .then([{ type: 'UsageAccepted', data: { period: EARLIER_ANCHORED, month: '2026-11', usage: 10 } }]);
  });

  it('is the calendar month without an anchor: the usage names no period', () => {
    const [accepted] = decided([...opened(), quotaSet({ limit: 10 })], decideUsage()).slice(-1);
    expect(accepted.data).not.toHaveProperty('period');
  });
});

describe('a year quota', () => {
  it('counts the calendar year, or the year from its anchor', () => {
    given(used({ limit: 3, period: 'year' }, 3, '2026-11-01T00:00:00.000Z'))
      .when(decideUsage({ quantity: 1 }))
      .then([{ type: 'UsageRejected', data: { period: '2026-01-01T00:00:00.000Z/2027-01-01T00:00:00.000Z' } }]);
    given(used({ limit: 3, period: 'year', anchor: '2024-02-29T00:00:00.000Z' }, 1))
      .when(decideUsage({ quantity: 2 }))
      .then([{ type: 'UsageAccepted', data: { usage: 3, period: '2026-02-28T00:00:00.000Z/2027-02-28T00:00:00.000Z' } }]);
  });
});

describe('alerts on a period quota', () => {
  it('are raised once per period, and again in the next one', () => {
    const quota = { limit: 10, period: 'day' as const, alertAt: [50] };
    const history = used(quota, 5, '2026-11-21T12:00:00.000Z');
    expect(history.at(-1)).toMatchObject({
      type: 'AlertRaised',
      data: { threshold: 50, period: '2026-11-21T00:00:00.000Z/2026-11-22T00:00:00.000Z' },
    });
    given(history)
      .when(decideUsage({ quantity: 1, time: '2026-11-21T13:00:00.000Z' }))
      .then([{ type: 'UsageAccepted', data: { usage: 6 } }]);
    given(history)
      .when(decideUsage({ quantity: 5 }))
      .then([{ type: 'UsageAccepted' }, { type: 'AlertRaised', data: { threshold: 50, period: TODAY } }]);
  });
});

describe('reversals and holds on a period quota', () => {
  it('return a reversed usage to the period it counted in', () => {
    const history = used({ limit: 10, period: 'week' }, 7);
    const { source, id } = history.at(-1)!.data as { source: string; id: string };
    const reversed = given(history)
      .when(reverseUsage(source, id))
      .then([{ type: 'UsageReversed', data: { period: THIS_WEEK } }]);
    const state = fold([...history, ...reversed]);
    expect(usageOf(state, 'geocoding', THIS_WEEK)).toBe(0);
    expect(usageOf(state, 'geocoding', '2026-11')).toBe(0);
  });

  it('hold units against the period, and a commit counts in it', () => {
    const history = decided([...opened(), quotaSet({ limit: 10, period: 'day' })], holdUsage({ id: 'job', quantity: 8 }));
    expect(heldUnits(fold(history), 'geocoding', TODAY, NOW)).toBe(8);
    given(history)
      .when(decideUsage({ quantity: 3 }))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', remaining: 2 } }]);
    given(history)
      .when(decideUsage({ quantity: 3, time: '2026-11-21T10:00:00.000Z' }))
      .then([{ type: 'UsageAccepted' }]);
    given(history)
      .when(commitHold('job', 6))
      .then([{ type: 'HoldReleased' }, { type: 'UsageAccepted', data: { quantity: 6, usage: 6, period: TODAY } }]);
  });

  it('follow a default quota of the meter too', () => {
    const definition = meter({ defaultQuota: withDefaultTerms({ limit: 1, period: 'day' }) });
    given(decided(opened(), decideUsage({}, definition)))
      .when(decideUsage({}, definition))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', period: TODAY } }]);
  });
});

describe('closing the books with period quotas', () => {
  it('carries the usage and alerts of every period still open to late usage, and drops the rest', () => {
    const quota = { limit: 100, period: 'year' as const, alertAt: [1] };
    const history = decided(
      [...opened(), quotaSet(quota), quotaSet({ limit: 100, period: 'day' }, 'ocr')],
      decideUsage({ quantity: 2, time: '2026-11-01T00:00:00.000Z' }),
      decideUsage({ meter: 'ocr', quantity: 3, time: '2026-11-01T00:00:00.000Z' }),
      decideUsage({ meter: 'ocr', quantity: 4 }),
    );
    // On 2026-12-10 a usage may be at most 35 days old: from 2026-11-05 on. 1 November is closed for good.
    const year = '2026-01-01T00:00:00.000Z/2027-01-01T00:00:00.000Z';
    const later = decideBooks({ type: 'ClosePeriod', account: ACCOUNT, now: '2026-12-10T00:00:00.000Z' }, fold(history))!;
    expect(later.opening[0].data).toMatchObject({
      carried: {
        usage: { geocoding: { [year]: 2 }, ocr: { [TODAY]: 4 } },
        alerts: { raised: { geocoding: { [year]: [1] } } },
      },
    });
    expect(
      Object.keys((later.opening[0].data as { carried: { usage: Record<string, object> } }).carried.usage.ocr),
    ).not.toContain('2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z');
  });
});
