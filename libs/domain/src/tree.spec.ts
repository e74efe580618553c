import type { AccountEvent } from '@tally/events';
import { withDefaultTerms } from '@tally/events';
import { fold } from './account-state';
import { given } from './testing/given';
import {
  ACCOUNT,
  NOW,
  creditsGranted,
  decideUsage,
  grantCredits,
  meter,
  opened,
  quotaSet,
  reverseUsage,
} from './testing/fixtures';
import { treeViewOf } from './tree';
import { decideParent, type TreeStates } from './tree-moves';

const attached = (member: string, parent = ACCOUNT, usage: Record<string, Record<string, number>> = {}): AccountEvent => ({
  type: 'MemberAttached',
  data: { account: ACCOUNT, member, parent, quotas: {}, usage, at: NOW },
});
const memberQuota = (member: string, limit: number): AccountEvent =>
  ({
    ...quotaSet({ limit }),
    data: { ...(quotaSet({ limit }).data as object), account: member },
  }) as AccountEvent;
const usageFor = (account: string, quantity: number, priced = false) => ({
  ...decideUsage({ quantity }, priced ? meter({ creditsPerUnit: 1 }) : null),
  account,
});

describe('account trees: a usage counts at every level', () => {
  // acme (root, limit 10) ← team (limit 8) ← alice (limit 5); bob under acme, no quota of its own.
  const tree = [
    ...opened(),
    quotaSet({ limit: 10 }),
    attached('team'),
    memberQuota('team', 8),
    attached('alice', 'team'),
    memberQuota('alice', 5),
    attached('bob'),
  ];

  it('accepts a child usage every level admits, reporting the child own usage and limit', () => {
    given(tree)
      .when(usageFor('alice', 4))
      .then([{ type: 'UsageAccepted', data: { account: 'alice', usage: 4, limit: 5, remaining: 1, payer: ACCOUNT } }]);
  });

  it('counts it at the child, its ancestors and the root', () => {
    const state = fold([
      ...tree,
      ...given(tree)
        .when(usageFor('alice', 4))
        .then([{ type: 'UsageAccepted' }]),
    ]);
    expect(state.members.get('alice')?.usage.get('geocoding')?.get('2026-11')).toBe(4);
    expect(state.members.get('team')?.usage.get('geocoding')?.get('2026-11')).toBe(4);
    expect(state.usage.get('geocoding')?.get('2026-11')).toBe(4);
    expect(state.members.get('bob')?.usage.size).toBe(0);
  });

  it('rejects what one level refuses, naming it', () => {
    given(tree)
      .when(usageFor('alice', 6))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', account: 'alice', limitedBy: 'alice' } }]);
    given([...tree, { ...usageAccepted('team', 7) }])
      .when(usageFor('alice', 2))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', limitedBy: 'team', usage: 0, limit: 5 } }]);
  });

  it('refuses a sibling once one child exhausted the parent', () => {
    given([...tree, usageAccepted('bob', 10)])
      .when(usageFor('alice', 1))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', limitedBy: ACCOUNT } }]);
  });

  it('lets an ancestor without a quota for the meter not limit it, but the child needs one', () => {
    given([...opened(), attached('team'), memberQuota('team', 3)])
      .when(usageFor('team', 3))
      .then([{ type: 'UsageAccepted', data: { usage: 3, limit: 3 } }]);
    given([...opened(), quotaSet({ limit: 3 }), attached('team')])
      .when(usageFor('team', 1))
      .then([{ type: 'UsageRejected', data: { reason: 'NO_QUOTA', limitedBy: 'team' } }]);
  });

  it('charges the credits of a child usage to the root, and refuses it when the root cannot pay', () => {
    const priced = [...opened(), creditsGranted(5), attached('team')];
    const [accepted] = given(priced)
      .when(usageFor('team', 4, true))
      .then([{ type: 'UsageAccepted', data: { creditsCharged: 4, payer: ACCOUNT } }]);
    const after = fold([...priced, accepted]);
    expect(after.credits.balance).toBe(1);
    given([...priced, accepted])
      .when(usageFor('team', 2, true))
      .then([{ type: 'UsageRejected', data: { reason: 'INSUFFICIENT_CREDITS', limitedBy: ACCOUNT } }]);
  });

  it('refuses a grant to a child: the root pays', () => {
    given(tree)
      .when({ ...grantCredits(10), account: 'team' })
      .thenFails('NOT_A_PAYER');
  });

  it('returns a reversed child usage to every level', () => {
    const accepted = usageAccepted('alice', 3);
    const [reversed] = given([...tree, accepted])
      .when({ ...reverseUsage('geocoder', accepted.data.id as string), account: 'alice' })
      .then([{ type: 'UsageReversed', data: { account: 'alice', quantity: 3 } }]);
    const state = fold([...tree, accepted, reversed]);
    expect(state.members.get('team')?.usage.get('geocoding')?.get('2026-11')).toBe(0);
    expect(state.usage.get('geocoding')?.get('2026-11')).toBe(0);
  });

  it('decides nothing for an account that is not in the tree, nor on the own streams of one that moved', () => {
    given(tree).when(usageFor('carol', 1)).thenFails('NOT_A_MEMBER');
    given([
      ...opened(),
      { type: 'AccountMoved', data: { account: ACCOUNT, tree: 'org', parent: 'org', quotas: {}, usage: {}, at: NOW } },
    ])
      .when(decideUsage({ quantity: 1 }))
      .thenFails('MOVED');
  });
});

/** An accepted usage of `quantity` decided for `account` in the tree. */
function usageAccepted(account: string, quantity: number): AccountEvent & { type: 'UsageAccepted' } {
  return {
    type: 'UsageAccepted',
    data: {
      ...{ account, source: 'geocoder', id: `${account}-${quantity}-${Math.random()}`, subject: account, meter: 'geocoding' },
      ...{ quantity, time: NOW, month: '2026-11', usage: quantity, limit: null, remaining: null, overage: 0, decidedAt: NOW },
      ...{ reportedBy: 'key-1', creditsCharged: 0, payer: ACCOUNT },
    },
  };
}

describe('account trees: setting a parent', () => {
  const standalone = (account: string, events: AccountEvent[] = []) =>
    fold(
      opened()
        .map((e) => ({ ...e, data: { ...e.data, account } }) as AccountEvent)
        .concat(events),
    );
  const root = (events: AccountEvent[] = []) => fold([...opened(), ...events]);
  const move = (account: string, parent: string | null, states: TreeStates) =>
    decideParent({ type: 'SetParent', account, parent, now: NOW }, states);

  it('attaches an account: its own streams are fenced, the root takes it with its quotas and usage', () => {
    const own = standalone('team', [
      { ...quotaSet({ limit: 4 }), data: { ...(quotaSet({ limit: 4 }).data as object), account: 'team' } } as AccountEvent,
    ]);
    const events = move('team', ACCOUNT, { own, from: null, to: root() });
    expect(events.own).toMatchObject([{ type: 'AccountMoved', data: { account: 'team', tree: ACCOUNT, parent: ACCOUNT } }]);
    expect(events.to).toMatchObject([
      {
        type: 'MemberAttached',
        data: { member: 'team', parent: ACCOUNT, quotas: { geocoding: withDefaultTerms({ limit: 4 }) } },
      },
    ]);
    const tree = fold([...opened(), ...events.to]);
    expect(treeViewOf(tree, 'team')).toEqual({ account: 'team', parent: ACCOUNT, children: [], depth: 2 });
    expect(treeViewOf(tree, ACCOUNT)).toEqual({ account: ACCOUNT, parent: null, children: ['team'], depth: 1 });
  });

  it('moves a member within its tree, its usage leaving its old ancestors for its new ones', () => {
    const tree = root([attached('a'), attached('b'), attached('x', 'a', { geocoding: { '2026-11': 3, total: 3 } })]);
    const own = standalone('x', [
      { type: 'AccountMoved', data: { account: 'x', tree: ACCOUNT, parent: 'a', quotas: {}, usage: {}, at: NOW } },
    ]);
    const events = move('x', 'b', { own, from: tree, to: tree });
    expect(events).toMatchObject({ own: [], from: [], to: [{ type: 'MemberAttached', data: { member: 'x', parent: 'b' } }] });
    const after = fold(events.to, tree);
    expect(after.members.get('a')?.usage.get('geocoding')?.get('2026-11')).toBe(0);
    expect(after.members.get('b')?.usage.get('geocoding')?.get('2026-11')).toBe(3);
    expect(after.usage.get('geocoding')?.get('2026-11')).toBe(3);
  });

  it('detaches a member: it leaves the tree and gets its quotas and usage back', () => {
    const tree = root([attached('x', ACCOUNT, { geocoding: { '2026-11': 2, total: 2 } })]);
    const own = standalone('x', [
      { type: 'AccountMoved', data: { account: 'x', tree: ACCOUNT, parent: ACCOUNT, quotas: {}, usage: {}, at: NOW } },
    ]);
    const events = move('x', null, { own, from: tree, to: null });
    expect(events.from).toMatchObject([{ type: 'MemberDetached', data: { member: 'x' } }]);
    const back = fold(events.own, own);
    expect(back.tree).toBeNull();
    expect(back.usage.get('geocoding')?.get('2026-11')).toBe(2);
    expect(fold(events.from, tree).usage.get('geocoding')?.get('2026-11')).toBe(0);
  });

  it('refuses a cycle: the account itself, or a parent below it', () => {
    const tree = root([attached('a'), attached('b', 'a')]);
    const own = standalone('a', [
      { type: 'AccountMoved', data: { account: 'a', tree: ACCOUNT, parent: ACCOUNT, quotas: {}, usage: {}, at: NOW } },
    ]);
    expect(() => move('a', 'b', { own, from: tree, to: tree })).toThrow(expect.objectContaining({ code: 'CYCLE' }));
    expect(() => move('a', 'a', { own, from: tree, to: tree })).toThrow(expect.objectContaining({ code: 'CYCLE' }));
    // The root under one of its members.
    expect(() => move(ACCOUNT, 'b', { own: tree, from: null, to: tree })).toThrow(expect.objectContaining({ code: 'CYCLE' }));
  });

  it('refuses a fifth level, counting the root', () => {
    const tree = root([attached('l2'), attached('l3', 'l2'), attached('l4', 'l3')]);
    expect(() => move('l5', 'l4', { own: standalone('l5'), from: null, to: tree })).toThrow(
      expect.objectContaining({ code: 'TOO_DEEP' }),
    );
    expect(move('l4b', 'l3', { own: standalone('l4b'), from: null, to: tree }).to).toHaveLength(1);
  });

  it('refuses a child that holds credits, and a subtree leaving its tree', () => {
    expect(() => move('rich', ACCOUNT, { own: standalone('rich', [creditsGranted(5)]), from: null, to: root() })).toThrow(
      expect.objectContaining({ code: 'HAS_BALANCE' }),
    );
    const withChild = root([attached('a')]);
    expect(() => move(ACCOUNT, 'other', { own: withChild, from: null, to: standalone('other') })).toThrow(
      expect.objectContaining({ code: 'HAS_CHILDREN' }),
    );
  });

  it('decides nothing when the parent is already the one asked for', () => {
    const tree = root([attached('x')]);
    const own = standalone('x', [
      { type: 'AccountMoved', data: { account: 'x', tree: ACCOUNT, parent: ACCOUNT, quotas: {}, usage: {}, at: NOW } },
    ]);
    expect(move('x', ACCOUNT, { own, from: tree, to: tree })).toEqual({ own: [], from: [], to: [] });
    expect(move('y', null, { own: standalone('y'), from: null, to: null })).toEqual({ own: [], from: [], to: [] });
  });
});
