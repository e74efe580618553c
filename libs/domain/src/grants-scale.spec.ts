import type { AccountEvent } from '@tally/events';
import { decide } from './account-decider';
import { evolve, fold, type Account } from './account-state';
import { foldAsOf } from './as-of';
import { ACCOUNT, NOW, opened } from './testing/fixtures';

const at = (s: number) => new Date(Date.parse(NOW) + s * 1000).toISOString();
const GRANTS = 3000;

/**
 * The work per event is counted, not timed (a timed unit test measures the machine): before the
 * fix a grant decision at 3,000 grants parsed 66,522 instants (the burn order re-sorted with a
 * parse per comparison) and folding the history copied the grant map once per grant to prune it
 * (3,005 copies: quadratic). docs/benchmarks.md has the CPU figures.
 */
describe('an account with thousands of grants', () => {
  let state: Account = fold(opened());
  const history: AccountEvent[] = [...opened()];
  const grant = (i: number) =>
    decide(
      {
        type: 'GrantCredits',
        account: ACCOUNT,
        amount: 1,
        reason: null,
        grantId: `g${i}`,
        expiresAt: at(86_400 * 20 + i),
        now: at(i),
      },
      state,
    );

  beforeAll(() => {
    for (let i = 0; i < GRANTS; i++) {
      for (const e of grant(i)) {
        state = evolve(state, e);
        history.push(e);
      }
    }
  });

  afterEach(() => jest.restoreAllMocks());

  it('given 3,000 grants, when one more is decided, then each grant instant is parsed about once', () => {
    const parse = jest.spyOn(Date, 'parse');
    expect(grant(GRANTS)).toHaveLength(1);
    expect(parse.mock.calls.length).toBeLessThanOrEqual(2 * GRANTS);
  });

  it('given their history, when it is folded, then the grant map is not copied per grant to prune it', () => {
    const proto = Object.getPrototypeOf(state.grants) as { filter: unknown; filterNot: unknown };
    const filter = jest.spyOn(proto as never, 'filter' as never);
    const filterNot = jest.spyOn(proto as never, 'filterNot' as never);
    const folded = foldAsOf(history, at(GRANTS + 1));
    expect(filter.mock.calls.length + filterNot.mock.calls.length).toBeLessThan(GRANTS / 100);
    expect(folded.credits.balance).toBe(GRANTS);
    expect(folded.grants.size).toBe(GRANTS);
  });
});
