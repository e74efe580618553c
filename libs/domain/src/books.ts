import type { AccountEvent, AccountRootEvent, PeriodClosed, PeriodOpened } from '@tally/events';
import type { Account } from './account-state';
import { TOTAL, oldestOpenMonth } from './time';

/** Root stream event that registers a new account and its first period. */
export function openAccount(account: string, period: string, now: string): AccountRootEvent {
  return { type: 'AccountOpened', data: { account, period, openedAt: now } };
}

/** Root stream event that points at a period stream opened later. */
export function periodStarted(account: string, period: string, now: string): AccountRootEvent {
  return { type: 'PeriodStarted', data: { account, period, at: now } };
}

/** The first events of a new account's first period: an empty wallet, then its default credits. */
export function openFirstPeriod(account: string, period: string, defaultCredits: number, now: string): AccountEvent[] {
  const opened: PeriodOpened = {
    type: 'PeriodOpened',
    data: {
      account,
      period,
      previous: null,
      openedAt: now,
      carried: { credits: { balance: 0, granted: 0, spent: 0 }, quotas: {}, usage: {} },
    },
  };
  if (defaultCredits <= 0) return [opened];
  return [
    opened,
    {
      type: 'CreditsGranted',
      data: { account, amount: defaultCredits, reason: 'default credits', grantId: null, balance: defaultCredits, at: now },
    },
  ];
}

/**
 * Closes the books of the state's period and opens `next`: the closing event ends the old
 * stream, the opening event starts the new one carrying what later decisions need.
 */
export function closeBooks(state: Account, next: string, now: string): { closing: PeriodClosed; opening: PeriodOpened } {
  const account = state.account as string;
  const period = state.period as string;
  const oldest = oldestOpenMonth(now);
  // Object.fromEntries defines own properties, so a meter named `__proto__` is carried like any other.
  const usage = Object.fromEntries(
    [...state.usage].map(([meter, byPeriod]) => [
      meter,
      Object.fromEntries([...byPeriod].filter(([key]) => key === TOTAL || key >= oldest)),
    ]),
  );
  return {
    closing: { type: 'PeriodClosed', data: { account, period, next, closedAt: now } },
    opening: {
      type: 'PeriodOpened',
      data: {
        account,
        period: next,
        previous: period,
        openedAt: now,
        carried: { credits: state.credits, quotas: Object.fromEntries(state.quotas), usage },
      },
    },
  };
}
