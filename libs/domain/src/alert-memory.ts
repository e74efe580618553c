import type { AlertData, CarriedAlerts } from '@tally/events';
import type { Account } from './account-state';
import { TOTAL, periodEndsAfter } from './periods';

/** The key under which the raised thresholds of one meter's period are remembered. */
export function alertKey(meter: string, periodKey: string): string {
  return `${meter}\u0000${periodKey}`;
}

/** The period key a quota alert counts in: its month or interval, or 'total' for cumulative capacity. */
export function alertPeriodKey(alert: Pick<AlertData, 'period'>): string {
  return alert.period ?? TOTAL;
}

/** Whether the quota threshold `percent` was already raised for the meter's period. */
export function alreadyRaised(state: Account, meter: string, periodKey: string, percent: number): boolean {
  return state.alerted.get(alertKey(meter, periodKey))?.has(percent) ?? false;
}

/** Remembers a raised quota threshold (credit alerts are per crossing and need no memory). */
export function withAlertRaised(alerted: Account['alerted'], alert: AlertData): Account['alerted'] {
  if (alert.kind !== 'quota.threshold' || alert.meter === undefined) return alerted;
  const key = alertKey(alert.meter, alertPeriodKey(alert));
  return new Map(alerted).set(key, new Set(alerted.get(key)).add(alert.threshold));
}

/** The alert part of the state, from what a period carried (nothing, for periods opened before alerts). */
export function alertsFrom(carried: CarriedAlerts | undefined): Pick<Account, 'creditsBelow' | 'alerted'> {
  const alerted = new Map<string, ReadonlySet<number>>();
  for (const [meter, byPeriod] of Object.entries(carried?.raised ?? {})) {
    for (const [periodKey, percents] of Object.entries(byPeriod)) alerted.set(alertKey(meter, periodKey), new Set(percents));
  }
  return { creditsBelow: carried?.creditsBelow ?? null, alerted };
}

/**
 * What the next period must remember: the credit threshold and the raised thresholds of quota
 * periods that end after `oldest` (the oldest instant a usage may still be counted at).
 */
export function alertsToCarry(state: Account, oldest: string): CarriedAlerts {
  const byMeter = new Map<string, Array<[string, number[]]>>();
  for (const [key, percents] of state.alerted) {
    const [meter, periodKey] = key.split('\u0000');
    if (!periodEndsAfter(periodKey, oldest)) continue;
    byMeter.set(meter, [...(byMeter.get(meter) ?? []), [periodKey, [...percents].sort((a, b) => a - b)]]);
  }
  // Object.fromEntries defines own properties, so a meter named `__proto__` is carried like any other.
  const raised = Object.fromEntries([...byMeter].map(([meter, periods]) => [meter, Object.fromEntries(periods)]));
  return { creditsBelow: state.creditsBelow, raised };
}
