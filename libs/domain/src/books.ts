import {
  DEFAULT_GRANT_PRIORITY,
  type AccountEvent,
  type AccountRootEvent,
  type PeriodClosed,
  type PeriodOpened,
} from '@tally/events';
import type { Account } from './account-state';
import { alertsToCarry } from './alert-memory';
import { DomainError, unreachable } from './errors';
import { IDEMPOTENCY_WINDOW_MS, monthOf } from './time';
import { countsToCarry, membersToCarry } from './tree-counts';
import { emptyWallet, walletJson } from './wallet';

/**
 * Open a new account in the month of `now`: an empty wallet, then its default credits. When the
 * root stream already registers a period whose stream was never written, that period opens.
 */
export interface OpenAccount {
  type: 'OpenAccount';
  account: string;
  /** The period the root stream registers for this account, or null for a brand-new one. */
  registered: string | null;
  defaultCredits: number;
  now: string;
}

/** Close the books: end the open period when `now` lies in a later month, and open that month. */
export interface ClosePeriod {
  type: 'ClosePeriod';
  account: string;
  now: string;
}

/** Open the period a closing named, when the writer that closed the books stopped before opening it. */
export interface OpenNextPeriod {
  type: 'OpenNextPeriod';
  account: string;
  now: string;
}

/** Everything that moves an account from one period stream to another. */
export type BooksCommand = OpenAccount | ClosePeriod | OpenNextPeriod;

/** The events of one move, by the stream each goes to. */
export interface PeriodTransition {
  /** The period the account decides in afterwards. */
  period: string;
  /** Appended to the stream of the period being left. */
  closing: PeriodClosed[];
  /** The first events of the new period's stream. */
  opening: AccountEvent[];
  /** Appended to the account's root stream, which points at the open period. */
  root: AccountRootEvent[];
}

/** Decides whether and how the books move at `command.now`; null when the account stays where it is. */
export function decideBooks(command: BooksCommand, state: Account): PeriodTransition | null {
  switch (command.type) {
    case 'OpenAccount':
      return openAccount(command, state);
    case 'ClosePeriod':
      return closePeriod(command, state);
    case 'OpenNextPeriod':
      return openNextPeriod(command, state);
    default:
      return unreachable(command);
  }
}

function openAccount({ account, registered, defaultCredits, now }: OpenAccount, state: Account): PeriodTransition | null {
  if (state.period !== null) return null;
  const period = registered ?? monthOf(now);
  const opened: PeriodOpened = {
    type: 'PeriodOpened',
    data: {
      account,
      period,
      previous: null,
      openedAt: now,
      carried: { ...walletJson(emptyWallet()), quotas: {}, usage: {} },
    },
  };
  const credits: AccountEvent[] =
    defaultCredits > 0
      ? [
          {
            type: 'CreditsGranted',
            data: {
              ...{ account, grantId: 'default', amount: defaultCredits, priority: DEFAULT_GRANT_PRIORITY },
              ...{ effectiveAt: now, expiresAt: null, reason: 'default credits', balance: defaultCredits, at: now },
            },
          },
        ]
      : [];
  const root: AccountRootEvent[] =
    registered === null ? [{ type: 'AccountOpened', data: { account, period, openedAt: now } }] : [];
  return { period, closing: [], opening: [opened, ...credits], root };
}

function closePeriod({ account, now }: ClosePeriod, state: Account): PeriodTransition | null {
  if (state.period === null || monthOf(now) <= state.period) return null;
  if (state.next !== null) throw new DomainError('BOOKS_CLOSED', `period ${state.period} is already closed`);
  const next = monthOf(now);
  return {
    period: next,
    closing: [{ type: 'PeriodClosed', data: { account, period: state.period, next, closedAt: now } }],
    opening: [carryForward(state, next, now)],
    root: [{ type: 'PeriodStarted', data: { account, period: next, at: now } }],
  };
}

function openNextPeriod({ now }: OpenNextPeriod, state: Account): PeriodTransition | null {
  if (state.next === null) return null;
  return { period: state.next, closing: [], opening: [carryForward(state, state.next, now)], root: [] };
}

/**
 * The first event of `next`: what later decisions need of the closed period (wallet, quotas,
 * usage of every quota period still open to late usage, a year's included). Books are kept per
 * calendar month whatever the quotas' periods: a period that spans months is carried across.
 */
function carryForward(state: Account, next: string, now: string): PeriodOpened {
  // A usage decided from now on is at most the idempotency window old: only periods ending after that count.
  const oldest = new Date(Date.parse(now) - IDEMPOTENCY_WINDOW_MS).toISOString();
  const usage = countsToCarry(state.usage, oldest);
  const tree = state.members.size > 0 ? { members: membersToCarry(state, oldest) } : {};
  return {
    type: 'PeriodOpened',
    data: {
      account: state.account as string,
      period: next,
      previous: state.period as string,
      openedAt: now,
      carried: {
        ...walletJson(state),
        quotas: Object.fromEntries(state.quotas),
        usage,
        alerts: alertsToCarry(state, oldest),
        ...(state.buckets.size > 0 ? { buckets: Object.fromEntries(state.buckets) } : {}),
        ...tree,
        ...(state.tree !== null ? { tree: state.tree } : {}),
      },
    },
  };
}
