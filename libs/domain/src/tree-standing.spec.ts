import { fold } from './account-state';
import { decided } from './testing/decided';
import { ACCOUNT, NOW, decideUsage, holdUsage, opened, memberAttached, levelQuota } from './testing/fixtures';
import { hasMembersBelow, subtreeStanding } from './tree-standing';

// docs/contract.md §2.7: a parent's quota view shows what its limit is held against — its subtree's.

const attached = memberAttached;
const quotaOf = levelQuota;
const usageFor = (account: string, quantity: number, id: string) => ({ ...decideUsage({ quantity, id }), account });
const TODAY = '2026-11-22T00:00:00.000Z/2026-11-23T00:00:00.000Z';

describe("a level's standing against its subtree", () => {
  // acme (root, 100 a day) ← team (50 a month) ← {alice, bob} (10 a month each)
  const tree = [
    ...opened(),
    quotaOf(ACCOUNT, { limit: 100, period: 'day' }),
    attached('team'),
    quotaOf('team', { limit: 50 }),
    attached('alice', 'team'),
    attached('bob', 'team'),
    quotaOf('alice', { limit: 10 }),
    quotaOf('bob', { limit: 10 }),
  ];
  const history = decided(
    tree,
    usageFor('alice', 3, 'a1'),
    usageFor('bob', 4, 'b1'),
    usageFor('team', 5, 't1'),
    usageFor(ACCOUNT, 6, 'r1'),
    { ...holdUsage({ quantity: 2 }), account: 'bob' },
  );
  const root = fold(history);

  it("given children's usage, a parent's standing counts its own and every descendant's in its period", () => {
    expect(subtreeStanding(root, 'team', 'geocoding', '2026-11', NOW)).toEqual({ usage: 12, reserved: 2 });
  });

  it("given a root with a daily quota, its standing counts the whole tree in the root's day", () => {
    expect(subtreeStanding(root, ACCOUNT, 'geocoding', TODAY, NOW)).toEqual({ usage: 18, reserved: 2 });
  });

  it('given a leaf, its standing is its own usage and its own holds only', () => {
    expect(subtreeStanding(root, 'alice', 'geocoding', '2026-11', NOW)).toEqual({ usage: 3, reserved: 0 });
    expect(subtreeStanding(root, 'bob', 'geocoding', '2026-11', NOW)).toEqual({ usage: 4, reserved: 2 });
  });

  it('given the tree, only the root and team have members below them', () => {
    expect([ACCOUNT, 'team', 'alice', 'bob'].map((level) => hasMembersBelow(root, level))).toEqual([true, true, false, false]);
  });

  it('given a lone account, its standing is its own counts and it has no members below it', () => {
    const lone = fold(decided([...opened(), quotaOf(ACCOUNT, { limit: 10 })], usageFor(ACCOUNT, 7, 'x')));
    expect(subtreeStanding(lone, ACCOUNT, 'geocoding', '2026-11', NOW)).toEqual({ usage: 7, reserved: 0 });
    expect(hasMembersBelow(lone, ACCOUNT)).toBe(false);
  });
});
