import type { AccountEvent } from '@tally/events';
import { fold } from './account-state';
import type { AccountCommand } from './commands';
import { grantViews } from './credit-views';
import { given } from './testing/given';
import { ACCOUNT, NOW, creditsGranted, decideUsage, later, meter, opened, reverseUsage } from './testing/fixtures';

// In a tree the wallet is the root's: a member's usage burns the root's grants in burn order, its
// reversal refunds them, and a member holds no grant or allowance of its own.

const attached = (member: string): AccountEvent => ({
  type: 'MemberAttached',
  data: { account: ACCOUNT, member, parent: ACCOUNT, quotas: {}, usage: {}, at: NOW },
});
const grant = (id: string, amount: number, terms: Parameters<typeof creditsGranted>[3] = {}) =>
  creditsGranted(amount, amount, id, terms);
const asTeam = <C extends { account: string }>(command: C): C => ({ ...command, account: 'team' });

const tree = [
  ...opened(),
  grant('paid', 100, { priority: 50 }),
  grant('promo', 30, { priority: 10, expiresAt: '2026-12-01T00:00:00.000Z' }),
  attached('team'),
];
const spend = decideUsage({ id: 'u-1', quantity: 40 }, meter({ creditsPerUnit: 1 }));

describe("a tree member's credits are its root's grants", () => {
  it("burns the root's grants in burn order, and its reversal refunds each grant it drew from", () => {
    // Given the root holds a promo (priority 10) and paid credits (priority 50), and team is its child,
    // when team reports 40 credits of usage…
    const [accepted] = given(tree)
      .when(asTeam(spend))
      .then([
        {
          type: 'UsageAccepted',
          data: {
            account: 'team',
            payer: ACCOUNT,
            creditsCharged: 40,
            burns: [
              { grant: 'promo', amount: 30 },
              { grant: 'paid', amount: 10 },
            ],
          },
        },
      ]);
    const afterUsage = fold([...tree, accepted]);
    expect(afterUsage.credits.balance).toBe(90);
    // …then reversing it gives each root grant back what it gave.
    const [reversed] = given([...tree, accepted])
      .when(asTeam(reverseUsage('geocoder', 'u-1', later(60))))
      .then([
        {
          type: 'UsageReversed',
          data: {
            account: 'team',
            payer: ACCOUNT,
            creditsRefunded: 40,
            refunds: [
              { grant: 'promo', amount: 30, expired: false },
              { grant: 'paid', amount: 10, expired: false },
            ],
          },
        },
      ]);
    const state = fold([...tree, accepted, reversed]);
    expect(state.credits.balance).toBe(130);
    expect(grantViews(state, later(60)).map((g) => [g.id, g.remaining])).toEqual([
      ['promo', 30],
      ['paid', 100],
    ]);
  });

  it.each<AccountCommand>([
    { type: 'GrantCredits', account: 'team', amount: 5, reason: null, grantId: 'x', expiresAt: null, now: NOW },
    { type: 'VoidGrant', account: 'team', grantId: 'promo', reason: null, now: NOW },
    { type: 'SetAllowance', account: 'team', amount: 5, per: 'month', priority: 50, now: NOW },
    { type: 'RemoveAllowance', account: 'team', now: NOW },
  ])('refuses $type for a member: NOT_A_PAYER', (command) => {
    given(tree).when(command).thenFails('NOT_A_PAYER');
  });
});
