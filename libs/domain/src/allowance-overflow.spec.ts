import { fold } from './account-state';
import { creditsView } from './credit-views';
import { decided } from './testing/decided';
import { given } from './testing/given';
import { NOW, creditsGranted, grantCredits, opened, setAllowance } from './testing/fixtures';

// An allowance is held to the bound a grant is: the balance and the lifetime granted total stay exact integers.
const NINE_E15 = 9_000_000_000_000_000;

describe('an allowance that would leave the exact integer range', () => {
  const rich = [...opened(), creditsGranted(NINE_E15, NINE_E15, 'big')];

  it('refuses setting it when the grant it issues now would pass 2^53', () => {
    given(rich).when(setAllowance(1_000_000_000_000_000, 'month')).thenFails('CREDITS_OVERFLOW');
    expect(() => decided(rich, setAllowance(1_000_000_000_000_000, 'month'))).toThrow(
      expect.objectContaining({ field: 'amount' }),
    );
  });

  it('sets one that fits, and the balance stays exact', () => {
    const history = decided(rich, setAllowance(7, 'month'));
    expect(creditsView(fold(history), NOW)).toMatchObject({ balance: NINE_E15 + 7, granted: NINE_E15 + 7 });
  });

  it('issues nothing at a period start whose grant would not fit, and reads show nothing owed', () => {
    // A day allowance of 10^15 runs; the lifetime total nears 2^53 (≈ 9.007·10^15).
    const set = decided(
      [...opened(), creditsGranted(8_000_000_000_000_000, 8_000_000_000_000_000, 'big')],
      setAllowance(1e15, 'day'),
    );
    const tomorrow = '2026-11-23T10:00:00.000Z';
    const state = fold(set);
    expect(creditsView(state, tomorrow)).toMatchObject({ balance: 8e15, granted: 9e15 });
    const next = decided(set, { ...grantCredits(1, 'small'), now: tomorrow });
    expect(
      next
        .slice(set.length)
        .filter((e) => e.type === 'CreditsGranted')
        .map((e) => e.data.grantId),
    ).toEqual(['small']);
    const view = creditsView(fold(next), tomorrow);
    expect(Number.isSafeInteger(view.granted) && Number.isSafeInteger(view.balance)).toBe(true);
    expect(view).toMatchObject({ balance: 8e15 + 1, granted: 9e15 + 1 });
  });
});
