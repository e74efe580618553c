import { BUCKET_PARTS, type AccountEvent, type RateLimit } from '@tally/events';
import { fold } from './account-state';
import { decided } from './testing/decided';
import { given } from './testing/given';
import {
  ACCOUNT,
  NOW,
  decideUsage,
  holdUsage,
  later,
  opened,
  reverseUsage,
  memberAttached,
  levelQuota,
} from './testing/fixtures';
import { bucketLevelAt } from './rate-limit';

// Each level of a tree is held to its own quota: its own period, its own rate-limit bucket.

const attached = memberAttached;
const quotaOf = levelQuota;
const usageFor = (account: string, quantity: number, now = NOW, id?: string) => ({
  ...decideUsage({ quantity, ...(id ? { id } : {}) }, null, now),
  account,
});
const perSecond = (units: number): RateLimit => ({ units, per: 'second', burst: units });

const TODAY = '2026-11-22T00:00:00.000Z/2026-11-23T00:00:00.000Z';
const TOMORROW = '2026-11-23T00:00:00.000Z/2026-11-24T00:00:00.000Z';

describe('a tree whose levels count in different periods', () => {
  // acme (root): at most 5 a day, hard; team (its child): at most 100 a month, hard.
  const tree = [
    ...opened(),
    quotaOf(ACCOUNT, { limit: 5, period: 'day' }),
    attached('team'),
    quotaOf('team', { limit: 100, period: 'month' }),
  ];

  it("counts a child's usage in the child's month and in the parent's day", () => {
    const [accepted] = given(tree)
      .when(usageFor('team', 4))
      .then([
        { type: 'UsageAccepted', data: { account: 'team', usage: 4, limit: 100, levels: [{ account: ACCOUNT, period: TODAY }] } },
      ]);
    const state = fold([...tree, accepted]);
    expect(state.members.get('team')?.usage.get('geocoding')?.get('2026-11')).toBe(4);
    expect(state.usage.get('geocoding')?.get(TODAY)).toBe(4);
  });

  it("refuses what the parent's day cannot take, naming the parent, while the child's month could", () => {
    given(decided(tree, usageFor('team', 4)))
      .when(usageFor('team', 2))
      .then([
        { type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', account: 'team', limitedBy: ACCOUNT, usage: 4, limit: 100 } },
      ]);
  });

  it("admits it the next day: the parent's new day is empty, the child's month keeps counting", () => {
    const tomorrow = later(24 * 60 * 60);
    given(decided(tree, usageFor('team', 4)))
      .when(usageFor('team', 2, tomorrow))
      .then([{ type: 'UsageAccepted', data: { usage: 6, limit: 100, levels: [{ account: ACCOUNT, period: TOMORROW }] } }]);
  });

  it("gives a reversed usage back in the parent's day it was counted in", () => {
    const history = decided(tree, usageFor('team', 4, NOW, 'big'), { ...reverseUsage('geocoder', 'big'), account: 'team' });
    expect(fold(history).usage.get('geocoding')?.get(TODAY)).toBe(0);
    given(history)
      .when(usageFor('team', 5))
      .then([{ type: 'UsageAccepted', data: { usage: 5 } }]);
  });

  it("counts a child's hold against the parent's day", () => {
    given(decided(tree, { ...holdUsage({ quantity: 3 }), account: 'team' }))
      .when(usageFor('team', 3))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', limitedBy: ACCOUNT } }]);
  });
});

describe('rate limits at every level of a tree', () => {
  // acme (root): 2 a second; team (its child): 10 a second; neither limits the quantity.
  const tree = [
    ...opened(),
    quotaOf(ACCOUNT, { limit: null, rateLimit: perSecond(2) }),
    attached('team'),
    quotaOf('team', { limit: null, rateLimit: perSecond(10) }),
  ];
  const teamBucket = (history: AccountEvent[]) => {
    const bucket = fold(history).members.get('team')?.buckets.get('geocoding');
    return bucketLevelAt(perSecond(10), bucket, NOW);
  };

  it("takes tokens at the child's level and the parent's for an accepted usage", () => {
    const history = decided(tree, usageFor('team', 2));
    expect(teamBucket(history)).toBe(8n * BUCKET_PARTS);
    expect(bucketLevelAt(perSecond(2), fold(history).buckets.get('geocoding'), NOW)).toBe(0n);
  });

  it("refuses a child's usage the parent's bucket cannot admit, naming the parent, and takes no tokens at the child", () => {
    const drained = decided(tree, usageFor('team', 2));
    const [rejected] = given(drained)
      .when(usageFor('team', 1))
      .then([
        { type: 'UsageRejected', data: { reason: 'RATE_LIMITED', account: 'team', limitedBy: ACCOUNT, retryAfterMs: 500 } },
      ]);
    expect(rejected.data).not.toHaveProperty('bucketLevel');
    expect(rejected.data).not.toHaveProperty('levels');
    expect(teamBucket([...drained, rejected])).toBe(teamBucket(drained));
  });

  it("refuses at the child's own bucket without taking the parent's tokens", () => {
    const tight = [
      ...opened(),
      quotaOf(ACCOUNT, { limit: null, rateLimit: perSecond(10) }),
      attached('team'),
      quotaOf('team', { limit: null, rateLimit: perSecond(1) }),
    ];
    const once = decided(tight, usageFor('team', 1));
    const rootLevel = (history: AccountEvent[]) => bucketLevelAt(perSecond(10), fold(history).buckets.get('geocoding'), NOW);
    const [rejected] = given(once)
      .when(usageFor('team', 1))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', limitedBy: 'team' } }]);
    expect(rootLevel([...once, rejected])).toBe(rootLevel(once));
  });
});
