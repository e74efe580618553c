import { BUCKET_PARTS, withDefaultTerms, type AccountEvent, type QuotaTerms, type UsageItem } from '@tally/events';
import { fold, usageOf, type Account } from './account-state';
import { heldUnits } from './hold-state';
import { bucketLevelAt } from './rate-limit';
import { decided } from './testing/decided';
import { given } from './testing/given';
import {
  ACCOUNT,
  NOW,
  commitHold,
  creditsGranted,
  decideItems,
  holdItems,
  later,
  meter,
  opened,
  reverseUsage,
} from './testing/fixtures';
import { levelView } from './tree';

// A multi-item usage (rule 8) by a member of a tree: every item must pass at every level, all or
// nothing; each level counts each item in its own quota period and takes its own bucket's tokens.

const attached = (member: string, parent = ACCOUNT): AccountEvent => ({
  type: 'MemberAttached',
  data: { account: ACCOUNT, member, parent, quotas: {}, usage: {}, at: NOW },
});
const quotaOf = (account: string, meterName: string, terms: Partial<QuotaTerms> & { limit: number | null }): AccountEvent => ({
  type: 'QuotaSet',
  data: { account, meter: meterName, quota: withDefaultTerms(terms), at: '2026-11-01T00:00:00.000Z' },
});
const asTeam = <C extends { account: string }>(command: C): C => ({ ...command, account: 'team' });

const TODAY = '2026-11-22T00:00:00.000Z/2026-11-23T00:00:00.000Z';
const tokens: UsageItem[] = [
  { meter: 'input', quantity: 800 },
  { meter: 'output', quantity: 200 },
];
const priced = [meter({ meter: 'input', creditsPerUnit: 1 }), meter({ meter: 'output', creditsPerUnit: 3 })];
const counts = (state: Account, level: string, period = '2026-11') => {
  const view = levelView(state, level);
  return [usageOf(view, 'input', period), usageOf(view, 'output', period)];
};

// acme (root) pays; it allows 10,000 input a month and 300 output a day. team (its child)
// allows 5,000 input and 1,000 output a month.
const tree = [
  ...opened(),
  creditsGranted(10_000),
  quotaOf(ACCOUNT, 'input', { limit: 10_000 }),
  quotaOf(ACCOUNT, 'output', { limit: 300, period: 'day' }),
  attached('team'),
  quotaOf('team', 'input', { limit: 5000 }),
  quotaOf('team', 'output', { limit: 1000 }),
];

describe("a child's multi-item usage in a tree", () => {
  it('counts every item at every level, each in that level’s period for its meter, the root paying the sum', () => {
    const [accepted] = given(tree)
      .when(asTeam(decideItems(tokens, priced)))
      .then([{ type: 'UsageAccepted', data: { account: 'team', payer: ACCOUNT, creditsCharged: 1400 } }]);
    expect(accepted.data).toMatchObject({
      items: [
        { meter: 'input', usage: 800, limit: 5000, credits: 800 },
        { meter: 'output', usage: 200, limit: 1000, credits: 600, levels: [{ account: ACCOUNT, period: TODAY }] },
      ],
    });
    const state = fold([...tree, accepted]);
    expect(counts(state, 'team')).toEqual([800, 200]);
    expect(usageOf(state, 'input', '2026-11')).toBe(800);
    expect(usageOf(state, 'output', TODAY)).toBe(200);
    expect(state.credits.balance).toBe(10_000 - 1400);
  });

  it("records nothing at any level when the parent's quota refuses the second item, naming its meter and the parent", () => {
    // Given the parent's day already counts 150 output units of another child's…
    const history = decided([...tree, attached('other')], {
      ...decideItems(
        [
          { meter: 'output', quantity: 150 },
          { meter: 'input', quantity: 1 },
        ],
        priced,
      ),
      account: 'other',
    });
    const before = fold(history);
    // …when team sends 800 input and 200 output: team's own quotas admit both, the parent's day cannot take the output.
    const [rejected] = given(history)
      .when(asTeam(decideItems(tokens, priced)))
      .then([
        {
          type: 'UsageRejected',
          data: {
            reason: 'QUOTA_EXCEEDED',
            account: 'team',
            meter: 'output',
            quantity: 200,
            limitedBy: ACCOUNT,
            usage: 0,
            limit: 1000,
          },
        },
      ]);
    // Then no line records anything above the account, and no level counts either item nor charges a credit.
    expect(rejected.data).not.toHaveProperty('levels');
    expect(rejected.data).toMatchObject({ items: [{ meter: 'input' }, { meter: 'output' }] });
    expect(JSON.stringify(rejected.data)).not.toContain('"levels"');
    const after = fold([...history, rejected]);
    expect(counts(after, 'team')).toEqual(counts(before, 'team'));
    expect(counts(after, ACCOUNT)).toEqual(counts(before, ACCOUNT));
    expect(usageOf(after, 'output', TODAY)).toBe(150);
    expect(after.credits.balance).toBe(before.credits.balance);
  });

  it("is refused by the child's own quota on an item, naming the child", () => {
    given(decided(tree, asTeam(decideItems([{ meter: 'input', quantity: 4900 }], priced))))
      .when(asTeam(decideItems(tokens, priced)))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', meter: 'input', limitedBy: 'team' } }]);
  });

  it('gives every item back at every level on reversal, in the periods each counted it in', () => {
    const usage = asTeam(decideItems(tokens, priced, { id: 'call-1' }));
    const history = decided(tree, usage, asTeam(reverseUsage('geocoder', 'call-1')));
    const state = fold(history);
    expect(counts(state, 'team')).toEqual([0, 0]);
    expect([usageOf(state, 'input', '2026-11'), usageOf(state, 'output', TODAY)]).toEqual([0, 0]);
    expect(state.credits.balance).toBe(10_000);
  });

  it('holds every item at every level and commits each back into the periods it was held in', () => {
    const hold = asTeam(holdItems(tokens, priced, { id: 'h-1' }));
    const held = decided(tree, hold);
    // The parent's day holds the 200 output units: another 101 are refused there.
    expect(heldUnits(fold(held), 'output', TODAY, NOW, ACCOUNT)).toBe(200);
    given(held)
      .when(asTeam(decideItems([{ meter: 'output', quantity: 101 }], priced)))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', meter: 'output', limitedBy: ACCOUNT } }]);
    const committed = decided(held, { ...asTeam(commitHold('h-1', null, later(10))), meters: hold.meters });
    const state = fold(committed);
    expect(counts(state, 'team')).toEqual([800, 200]);
    expect(usageOf(state, 'output', TODAY)).toBe(200);
    expect(state.credits.balance).toBe(10_000 - 1400);
  });
});

describe("a child's multi-item usage against rate limits at every level", () => {
  const perSecond = (units: number) => ({ units, per: 'second' as const, burst: units });
  const limited = [
    ...opened(),
    quotaOf(ACCOUNT, 'input', { limit: null }),
    quotaOf(ACCOUNT, 'output', { limit: null, rateLimit: perSecond(5) }),
    attached('team'),
    quotaOf('team', 'input', { limit: null, rateLimit: perSecond(10) }),
    quotaOf('team', 'output', { limit: null }),
  ];
  const items = [
    { meter: 'input', quantity: 4 },
    { meter: 'output', quantity: 4 },
  ];

  it("takes each item's tokens from its own meter's bucket at each level that limits it", () => {
    const state = fold(decided(limited, asTeam(decideItems(items))));
    expect(bucketLevelAt(perSecond(10), state.members.get('team')?.buckets.get('input'), NOW)).toBe(6n * BUCKET_PARTS);
    expect(bucketLevelAt(perSecond(5), state.buckets.get('output'), NOW)).toBe(1n * BUCKET_PARTS);
  });

  it("refuses the whole usage when the parent's bucket cannot admit the second item, taking no tokens anywhere", () => {
    const once = decided(limited, asTeam(decideItems(items)));
    const [rejected] = given(once)
      .when(asTeam(decideItems(items)))
      .then([{ type: 'UsageRejected', data: { reason: 'RATE_LIMITED', meter: 'output', limitedBy: ACCOUNT } }]);
    const teamInput = (history: AccountEvent[]) =>
      bucketLevelAt(perSecond(10), fold(history).members.get('team')?.buckets.get('input'), NOW);
    expect(teamInput([...once, rejected])).toBe(teamInput(once));
  });
});
