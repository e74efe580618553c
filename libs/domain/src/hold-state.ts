import { linesOf, type CountedItem, type HoldReleased, type UsageHeld } from '@tally/events';
import type { Account } from './account-state';
import { TOTAL } from './periods';
import { countedAt } from './tree';

/** A hold the account remembers (for idempotency and commits), with how it ended: null while open or expired. */
export interface HoldRecord {
  hold: UsageHeld['data'];
  ended: HoldReleased['data'] | null;
}

/** Whether a hold still counts at `now`: it frees itself at `expiresAt`, with no event. */
export function holdLive(hold: Pick<UsageHeld['data'], 'expiresAt'>, now: string): boolean {
  return Date.parse(hold.expiresAt) > Date.parse(now);
}

/** The instant a hold of `ttlSeconds` decided at `now` expires. */
export function expiryOf(now: string, ttlSeconds: number): string {
  return new Date(Date.parse(now) + ttlSeconds * 1000).toISOString();
}

function liveHolds(state: Account, now: string): UsageHeld['data'][] {
  return [...state.openHolds.values()].filter((hold) => holdLive(hold, now));
}

/**
 * The period key one line of a hold (its only one, unless said) counts under at `level` (its own
 * account unless said): the period it named there, else its month.
 */
export function holdPeriodKey(
  hold: Pick<UsageHeld['data'], 'account' | 'month' | 'period' | 'levels'>,
  level: string = hold.account,
  line: Pick<CountedItem, 'period' | 'levels'> = hold,
): string {
  return countedAt(line, hold.account, hold.month, level).period ?? hold.month;
}

/**
 * Units held for a meter at `now` under a period key: one period's holds, or every hold for
 * {@link TOTAL}. In a tree, `level` names whose period a hold counts in (see {@link holdPeriodKey}).
 */
export function heldUnits(state: Account, meter: string, periodKey: string, now: string, level?: string): number {
  if (state.openHolds.size === 0) return 0;
  return liveHolds(state, now)
    .flatMap((hold) => linesOf(hold).map((line) => ({ line, key: holdPeriodKey(hold, level ?? hold.account, line) })))
    .filter(({ line, key }) => line.meter === meter && (periodKey === TOTAL || key === periodKey))
    .reduce((sum, { line }) => sum + line.quantity, 0);
}

/** Credits held at `now` by every live hold. */
export function heldCredits(state: Account, now: string): number {
  return liveHolds(state, now).reduce((sum, hold) => sum + hold.creditsHeld, 0);
}

/** A new hold: remembered, and open. Open holds expired before it are dropped (they count nothing any more). */
export function withHold(state: Account, key: string, hold: UsageHeld['data']): Pick<Account, 'holds' | 'openHolds'> {
  return {
    holds: state.holds.set(key, { hold, ended: null }),
    openHolds: state.openHolds.filter((open) => holdLive(open, hold.decidedAt)).set(key, hold),
  };
}

/** A hold released or committed: no longer open. */
export function withHoldEnded(state: Account, key: string, ended: HoldReleased['data']): Pick<Account, 'holds' | 'openHolds'> {
  const open = state.openHolds.get(key);
  const record = state.holds.get(key) ?? (open ? { hold: open, ended: null } : undefined);
  return {
    holds: record ? state.holds.set(key, { ...record, ended }) : state.holds,
    openHolds: state.openHolds.delete(key),
  };
}
