import type { AccountEvent, RateLimit } from '@tally/events';
import { fold, usageOf } from './account-state';
import { heldUnits } from './hold-state';
import { decided } from './testing/decided';
import { given } from './testing/given';
import { NOW, commitHold, decideItems, decideUsage, holdItems, opened, quotaSet, reverseUsage } from './testing/fixtures';

// A multi-item usage whose items' meters have quotas of different periods, or rate limits: each
// item counts in its own quota's period and takes from its own meter's bucket, all or nothing.
// NOW is Sunday 2026-11-22 10:00 UTC.
const TODAY = '2026-11-22T00:00:00.000Z/2026-11-23T00:00:00.000Z';
const YESTERDAY = '2026-11-21T00:00:00.000Z/2026-11-22T00:00:00.000Z';
const MONTH = '2026-11';

// `calls` has a daily quota, `tokens` a calendar-month one.
const periods = [...opened(), quotaSet({ limit: 10, period: 'day' }, 'calls'), quotaSet({ limit: 1000 }, 'tokens')];
const call = (calls: number, tokens: number) => [
  { meter: 'calls', quantity: calls },
  { meter: 'tokens', quantity: tokens },
];

describe('a multi-item usage over quotas of different periods', () => {
  it('counts each item under its own period: the day for a day quota, the month for a month quota', () => {
    const [event] = given(periods)
      .when(decideItems(call(4, 300)))
      .then([{ type: 'UsageAccepted', data: { meter: 'calls', period: TODAY, usage: 4 } }]);
    expect(event.data).toMatchObject({
      items: [
        { meter: 'calls', quantity: 4, period: TODAY, usage: 4, limit: 10, remaining: 6 },
        { meter: 'tokens', quantity: 300, usage: 300, limit: 1000, remaining: 700 },
      ],
    });
    expect(event.type === 'UsageAccepted' && event.data.items?.[1]).not.toHaveProperty('period');
    const state = fold([...periods, event]);
    expect([usageOf(state, 'calls', TODAY), usageOf(state, 'calls', YESTERDAY), usageOf(state, 'tokens', MONTH)]).toEqual([
      4, 0, 300,
    ]);
  });

  it('holds each item to its own period: a full day refuses the usage, another day admits it', () => {
    const fullDay = decided(periods, decideItems(call(10, 100), [], { id: 'first' }));
    given(fullDay)
      .when(decideItems(call(1, 100)))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', meter: 'calls', period: TODAY, usage: 10 } }]);
    // Yesterday's day is empty, but the month's tokens are the same month's.
    const [event] = given(fullDay)
      .when(decideItems(call(1, 100), [], { time: '2026-11-21T12:00:00.000Z' }))
      .then([{ type: 'UsageAccepted', data: { period: YESTERDAY, usage: 1 } }]);
    expect(event.data).toMatchObject({ items: [{ period: YESTERDAY, usage: 1 }, { usage: 200 }] });
  });

  it('returns each line to its own period on reversal, and holds and commits each in its own', () => {
    const history = decided(periods, decideItems(call(4, 300), [], { id: 'job' }), reverseUsage('geocoder', 'job'));
    const reversal = history.at(-1)!;
    expect(reversal).toMatchObject({
      type: 'UsageReversed',
      data: { items: [{ meter: 'calls', period: TODAY }, { meter: 'tokens' }] },
    });
    const reversed = fold(history);
    expect([usageOf(reversed, 'calls', TODAY), usageOf(reversed, 'tokens', MONTH)]).toEqual([0, 0]);

    const held = decided(periods, holdItems(call(6, 500), [], { id: 'hold' }));
    const state = fold(held);
    expect([
      heldUnits(state, 'calls', TODAY, NOW),
      heldUnits(state, 'calls', MONTH, NOW),
      heldUnits(state, 'tokens', MONTH, NOW),
    ]).toEqual([6, 0, 500]);
    const committed = fold(
      decided(held, {
        ...commitHold('hold', null),
        meters: new Map([
          ['calls', null],
          ['tokens', null],
        ]),
      }),
    );
    expect([usageOf(committed, 'calls', TODAY), usageOf(committed, 'tokens', MONTH)]).toEqual([6, 500]);
  });
});

describe('a multi-item usage over rate-limited meters', () => {
  const perSecond = (units: number): RateLimit => ({ units, per: 'second', burst: units });
  // `calls` admits 2 a second, `tokens` 1000 a second.
  const limited: AccountEvent[] = [
    ...opened(),
    quotaSet({ limit: null, rateLimit: perSecond(2) }, 'calls'),
    quotaSet({ limit: null, rateLimit: perSecond(1000) }, 'tokens'),
  ];
  const bucketsOf = (events: AccountEvent[]) => Object.fromEntries(fold(events).buckets);

  it('takes each item’s tokens from its own meter’s bucket', () => {
    const [event] = given(limited)
      .when(decideItems(call(1, 400)))
      .then([{ type: 'UsageAccepted' }]);
    expect(event.data).toMatchObject({ items: [{ bucketLevel: '3600000' }, { bucketLevel: String(600n * 3_600_000n) }] });
    expect(bucketsOf([...limited, event])).toEqual({
      calls: { level: '3600000', at: NOW },
      tokens: { level: String(600n * 3_600_000n), at: NOW },
    });
  });

  it('records nothing and takes no tokens when one item’s bucket is empty, naming that item', () => {
    const empty = decided(limited, decideUsage({ meter: 'calls', quantity: 2, id: 'burst' }));
    const before = bucketsOf(empty);
    // `tokens` first: its bucket would admit it, yet it takes nothing either.
    const [event] = given(empty)
      .when(decideItems([...call(1, 400)].reverse()))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', meter: 'calls', retryAfterMs: 500 } }]);
    expect(event.data).not.toHaveProperty('bucketLevel');
    expect(event.type === 'UsageRejected' && event.data.items?.every((line) => line.bucketLevel === undefined)).toBe(true);
    const after = fold([...empty, event]);
    expect(Object.fromEntries(after.buckets)).toEqual(before);
    expect(before).not.toHaveProperty('tokens');
    expect([usageOf(after, 'calls', MONTH), usageOf(after, 'tokens', MONTH)]).toEqual([2, 0]);
  });

  it('over Kafka is never refused, and every item takes its tokens (below zero)', () => {
    const empty = decided(limited, decideUsage({ meter: 'calls', quantity: 2, id: 'burst' }));
    const reported = { ...decideItems(call(3, 400)), reportedBy: 'kafka', afterTheFact: true };
    const [event] = given(empty)
      .when(reported)
      .then([{ type: 'UsageAccepted' }]);
    expect(bucketsOf([...empty, event])).toEqual({
      calls: { level: String(-3n * 3_600_000n), at: NOW },
      tokens: { level: String(600n * 3_600_000n), at: NOW },
    });
  });
});
