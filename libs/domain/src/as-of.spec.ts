import type { AccountEvent } from '@tally/events';
import { decide } from './account-decider';
import { fold } from './account-state';
import { foldAsOf, periodsAsOf, recordedAt } from './as-of';
import type { AccountCommand } from './commands';
import { heldUnits } from './hold-state';
import { creditsGranted, grantCredits, holdUsage, later, opened, quotaSet, decideUsage, reverseUsage } from './testing/fixtures';

function decided(history: AccountEvent[], ...commands: AccountCommand[]): AccountEvent[] {
  return commands.reduce((events, command) => [...events, ...decide(command, fold(events))], history);
}

describe('as-of folds', () => {
  const history = decided(
    [...opened(), quotaSet({ limit: 10 }), creditsGranted(5)],
    decideUsage({ id: 'u-1', quantity: 4 }, null, later(10)),
    { ...grantCredits(7), now: later(20) },
    holdUsage({ id: 'h-1', quantity: 3 }, null, later(30), 60),
    reverseUsage('geocoder', 'u-1', later(40)),
  );

  it('sees only the events decided at or before the instant', () => {
    expect(fold(history).usage.get('geocoding')?.get('2026-11')).toBe(0);
    expect(foldAsOf(history, later(39)).usage.get('geocoding')?.get('2026-11')).toBe(4);
    expect(foldAsOf(history, later(10)).credits.balance).toBe(5);
    expect(foldAsOf(history, later(20)).credits.balance).toBe(12);
    expect(foldAsOf(history, later(9)).usage.get('geocoding')?.get('2026-11')).toBeUndefined();
  });

  it('counts a hold from its decision until it expires', () => {
    expect(heldUnits(foldAsOf(history, later(29)), 'geocoding', '2026-11', later(29))).toBe(0);
    expect(heldUnits(foldAsOf(history, later(89)), 'geocoding', '2026-11', later(89))).toBe(3);
    expect(heldUnits(foldAsOf(history, later(90)), 'geocoding', '2026-11', later(90))).toBe(0);
  });

  it('knows every event by its decision time, and the periods opened by then', () => {
    expect(history.map(recordedAt).every((at) => typeof at === 'string')).toBe(true);
    const root = [
      { type: 'AccountOpened' as const, data: { account: 'acme', period: '2026-10', openedAt: '2026-10-03T00:00:00.000Z' } },
      { type: 'PeriodStarted' as const, data: { account: 'acme', period: '2026-11', at: '2026-11-02T00:00:00.000Z' } },
    ];
    expect(periodsAsOf(root, '2026-11-01T00:00:00.000Z')).toEqual(['2026-10']);
    expect(periodsAsOf(root, '2026-11-02T00:00:00.000Z')).toEqual(['2026-10', '2026-11']);
    expect(periodsAsOf(root, '2026-10-01T00:00:00.000Z')).toEqual([]);
  });
});
