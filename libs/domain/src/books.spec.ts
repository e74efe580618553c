import { fold, initialState } from './account-state';
import { decideBooks } from './books';
import { ACCOUNT, closedAt, creditsGranted, opened, quotaSet } from './testing/fixtures';

const NOV = '2026-11-20T00:00:00.000Z';
const DEC = '2026-12-01T00:00:05.000Z';

describe('opening an account', () => {
  it('opens the month of now with an empty wallet, then the default credits, and registers the account', () => {
    const move = decideBooks(
      { type: 'OpenAccount', account: ACCOUNT, registered: null, defaultCredits: 50, now: NOV },
      initialState(),
    );
    expect(move?.period).toBe('2026-11');
    expect(move?.closing).toEqual([]);
    expect(move?.opening.map((e) => e.type)).toEqual(['PeriodOpened', 'CreditsGranted']);
    expect(move?.opening[1].data).toMatchObject({ amount: 50, balance: 50, reason: 'default credits', at: NOV });
    expect(move?.root).toEqual([{ type: 'AccountOpened', data: { account: ACCOUNT, period: '2026-11', openedAt: NOV } }]);
  });

  it('grants nothing when there are no default credits', () => {
    const move = decideBooks(
      { type: 'OpenAccount', account: ACCOUNT, registered: null, defaultCredits: 0, now: NOV },
      initialState(),
    );
    expect(move?.opening.map((e) => e.type)).toEqual(['PeriodOpened']);
  });

  it('opens the period the root stream registers when a writer stopped before writing it, registering nothing again', () => {
    const move = decideBooks(
      { type: 'OpenAccount', account: ACCOUNT, registered: '2026-10', defaultCredits: 0, now: NOV },
      initialState(),
    );
    expect(move?.period).toBe('2026-10');
    expect(move?.opening[0].data).toMatchObject({ period: '2026-10', previous: null });
    expect(move?.root).toEqual([]);
  });

  it('does nothing for an account that is already open', () => {
    expect(
      decideBooks({ type: 'OpenAccount', account: ACCOUNT, registered: null, defaultCredits: 5, now: NOV }, fold(opened())),
    ).toBeNull();
  });
});

describe('closing the books', () => {
  it('keeps the period open while now lies in its month', () => {
    expect(decideBooks({ type: 'ClosePeriod', account: ACCOUNT, now: '2026-11-30T23:59:59.999Z' }, fold(opened()))).toBeNull();
  });

  it('has nothing to close before the account opens', () => {
    expect(decideBooks({ type: 'ClosePeriod', account: ACCOUNT, now: DEC }, initialState())).toBeNull();
  });

  it('closes the old period, opens the month of now carrying the wallet and quotas, and points the root at it', () => {
    const state = fold([...opened(), creditsGranted(100), quotaSet({ limit: 10 })]);
    const move = decideBooks({ type: 'ClosePeriod', account: ACCOUNT, now: DEC }, state);
    expect(move?.period).toBe('2026-12');
    expect(move?.closing).toEqual([
      { type: 'PeriodClosed', data: { account: ACCOUNT, period: '2026-11', next: '2026-12', closedAt: DEC } },
    ]);
    expect(move?.opening[0].data).toMatchObject({
      period: '2026-12',
      previous: '2026-11',
      carried: { credits: { balance: 100 } },
    });
    expect(move?.root).toEqual([{ type: 'PeriodStarted', data: { account: ACCOUNT, period: '2026-12', at: DEC } }]);
  });

  it('skips idle months: the next period is the month of now', () => {
    const move = decideBooks({ type: 'ClosePeriod', account: ACCOUNT, now: '2027-03-02T00:00:00.000Z' }, fold(opened()));
    expect(move?.period).toBe('2027-03');
  });
});

describe('completing a half-done move', () => {
  it('does nothing while the period is open', () => {
    expect(decideBooks({ type: 'OpenNextPeriod', account: ACCOUNT, now: DEC }, fold(opened()))).toBeNull();
  });

  it('opens the period a closing named, carrying what the closed one held, without touching the old stream or the root', () => {
    const state = fold([...opened(), creditsGranted(7)]);
    const { closing, opening } = closedAt(state, DEC);
    const move = decideBooks({ type: 'OpenNextPeriod', account: ACCOUNT, now: DEC }, fold([closing], state));
    expect(move).toEqual({ period: '2026-12', closing: [], opening: [opening], root: [] });
  });
});
