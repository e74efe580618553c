import { withDefaultTerms } from '@tally/events';
import { fold } from './account-state';
import { decided } from './testing/decided';
import { given } from './testing/given';
import {
  ACCOUNT,
  NOW,
  closedAt,
  commitHold,
  creditAlertSet,
  creditsGranted,
  decideUsage,
  holdUsage,
  meter,
  opened,
  memberAttached,
  levelQuota,
} from './testing/fixtures';
import { fromSnapshot, snapshotOf } from './snapshot';

// docs/contract.md §2.7 and §3.6: quota alerts at every level of a tree, once per threshold per period per level.

const attached = memberAttached;
const quotaOf = levelQuota;
const usageFor = (account: string, quantity: number, id: string, now = NOW) => ({
  ...decideUsage({ quantity, id }, null, now),
  account,
});
const alert = (account: string, threshold: number, fields: object = {}) => ({
  type: 'AlertRaised' as const,
  data: { account, kind: 'quota.threshold', meter: 'geocoding', threshold, ...fields },
});
const TODAY = '2026-11-22T00:00:00.000Z/2026-11-23T00:00:00.000Z';

describe('quota alerts in a tree', () => {
  // acme (root: 100 a day, alert at 50%) ← team (20 a month, alert at 50% and 90%) ← dev (10 a month, alert at 80%)
  const tree = [
    ...opened(),
    quotaOf(ACCOUNT, { limit: 100, period: 'day', alertAt: [50] }),
    attached('team'),
    quotaOf('team', { limit: 20, alertAt: [50, 90] }),
    attached('dev', 'team'),
    quotaOf('dev', { limit: 10, alertAt: [80] }),
  ];

  it("raises a member's own threshold, naming the member, and nothing for levels not crossed", () => {
    given(tree)
      .when(usageFor('dev', 8, 'd1'))
      .then([{ type: 'UsageAccepted' }, alert('dev', 80, { usage: 8, limit: 10, period: '2026-11' })]);
  });

  it("raises a parent's threshold when its subtree's usage crosses it, with the subtree's usage and the parent's limit", () => {
    given(decided(tree, usageFor('dev', 4, 'd1')))
      .when(usageFor('team', 6, 't1'))
      .then([{ type: 'UsageAccepted', data: { account: 'team', usage: 10 } }, alert('team', 50, { usage: 10, limit: 20 })]);
  });

  it('raises every level a usage crosses at once, from the account up to the root, each in its own period', () => {
    given(decided(tree, usageFor(ACCOUNT, 44, 'r1'), usageFor('team', 1, 't1')))
      .when(usageFor('dev', 9, 'd1'))
      .then([
        { type: 'UsageAccepted' },
        alert('dev', 80, { usage: 9, limit: 10 }),
        alert('team', 50, { usage: 10, limit: 20, period: '2026-11' }),
        alert(ACCOUNT, 50, { usage: 54, limit: 100, period: TODAY }),
      ]);
  });

  it('raises each threshold once per period per level', () => {
    const crossed = decided(tree, usageFor('dev', 8, 'd1'), usageFor('team', 2, 't1'));
    expect(crossed.filter((e) => e.type === 'AlertRaised').map((e) => [e.data.account, e.data.threshold])).toEqual([
      ['dev', 80],
      ['team', 50],
    ]);
    given(crossed)
      .when(usageFor('dev', 1, 'd2'))
      .then([{ type: 'UsageAccepted' }]);
    // team's 90% is still its own to raise; dev's 80% is not raised again.
    given(crossed)
      .when(usageFor('team', 8, 't2'))
      .then([{ type: 'UsageAccepted' }, alert('team', 90, { usage: 18 })]);
  });

  it("keeps each level's memory across closed books and in a snapshot", () => {
    const crossed = decided(tree, usageFor('dev', 8, 'd1'));
    const { closing, opening } = closedAt(fold(crossed), '2026-12-01T01:00:00.000Z');
    const late = {
      ...decideUsage({ quantity: 1, id: 'd2', time: '2026-11-30T00:00:00.000Z' }, null, '2026-12-01T02:00:00.000Z'),
      account: 'dev',
    };
    given([...crossed, closing, opening])
      .when(late)
      .then([{ type: 'UsageAccepted', data: { month: '2026-11', usage: 9 } }]);
    const restored = fromSnapshot(JSON.parse(JSON.stringify(snapshotOf(fold(crossed)))));
    expect(restored?.members.get('dev')?.alerted).toEqual(fold(crossed).members.get('dev')?.alerted);
  });

  it("raises a member's threshold when a committed hold crosses it", () => {
    given(decided(tree, { ...holdUsage({ quantity: 8, id: 'h1' }), account: 'dev' }))
      .when({ ...commitHold('h1', 8), account: 'dev' })
      .then([{ type: 'HoldReleased' }, { type: 'UsageAccepted' }, alert('dev', 80, { usage: 8 })]);
  });

  it("holds a level without its own quota to the meter's default quota, and raises its threshold", () => {
    const defaults = meter({ defaultQuota: withDefaultTerms({ limit: 10, alertAt: [50] }) });
    const bare = [...opened(), attached('team')];
    given(bare)
      .when({ ...decideUsage({ quantity: 5 }, defaults), account: 'team' })
      .then([{ type: 'UsageAccepted' }, alert('team', 50, { usage: 5 }), alert(ACCOUNT, 50, { usage: 5 })]);
  });

  it("raises the root's credit alert when a member's usage takes the tree's balance below it", () => {
    const priced = meter({ creditsPerUnit: 1 });
    const funded = [...opened(), creditsGranted(10), creditAlertSet(5), attached('team')];
    given(funded)
      .when({ ...decideUsage({ quantity: 6 }, priced), account: 'team' })
      .then([{ type: 'UsageAccepted' }, { type: 'AlertRaised', data: { account: ACCOUNT, kind: 'credits.low', balance: 4 } }]);
  });
});
