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

/** The thresholds raised per meter's period, under {@link alertKey}. */
export type RaisedAlerts = ReadonlyMap<string, ReadonlySet<number>>;

/**
 * Whether the quota threshold `percent` was already raised for the meter's period at `level` (a
 * member of the tree whose root's state is `state` remembers its own; the root, or a lone account, the state's).
 */
export function alreadyRaised(state: Account, meter: string, periodKey: string, percent: number, level?: string): boolean {
  const alerted = (level === undefined ? undefined : state.members.get(level)?.alerted) ?? state.alerted;
  return alerted.get(alertKey(meter, periodKey))?.has(percent) ?? false;
}

/** Remembers a raised alert at the level it names: a member's own memory, else the state's. */
export function withAlertRaisedAt(state: Account, alert: AlertData): Pick<Account, 'alerted' | 'members'> {
  const member = state.members.get(alert.account);
  if (!member) return { alerted: withAlertRaised(state.alerted, alert), members: state.members };
  return {
    alerted: state.alerted,
    members: new Map(state.members).set(alert.account, { ...member, alerted: withAlertRaised(member.alerted, alert) }),
  };
}

/** Remembers a raised quota threshold (credit alerts are per crossing and need no memory). */
export function withAlertRaised(alerted: RaisedAlerts, alert: AlertData): RaisedAlerts {
  if (alert.kind !== 'quota.threshold' || alert.meter === undefined) return alerted;
  const key = alertKey(alert.meter, alertPeriodKey(alert));
  return new Map(alerted).set(key, new Set(alerted.get(key)).add(alert.threshold));
}

/** The alert part of the state, from what a period carried (nothing, for periods opened before alerts). */
export function alertsFrom(carried: CarriedAlerts | undefined): Pick<Account, 'creditsBelow' | 'alerted'> {
  return { creditsBelow: carried?.creditsBelow ?? null, alerted: raisedFrom(carried?.raised) };
}

/** Raised thresholds as carried (by meter, then period key), as the state keeps them. */
export function raisedFrom(raised: CarriedAlerts['raised'] | undefined): RaisedAlerts {
  const alerted = new Map<string, ReadonlySet<number>>();
  for (const [meter, byPeriod] of Object.entries(raised ?? {})) {
    for (const [periodKey, percents] of Object.entries(byPeriod)) alerted.set(alertKey(meter, periodKey), new Set(percents));
  }
  return alerted;
}

/**
 * What the next period must remember: the credit threshold and the raised thresholds of quota
 * periods that end after `oldest` (the oldest instant a usage may still be counted at).
 */
export function alertsToCarry(state: Account, oldest: string): CarriedAlerts {
  return { creditsBelow: state.creditsBelow, raised: raisedToCarry(state.alerted, oldest) };
}

/** Raised thresholds to carry: those of periods that end after `oldest` (every one without it). */
export function raisedToCarry(alerted: RaisedAlerts, oldest?: string): CarriedAlerts['raised'] {
  const byMeter = new Map<string, Array<[string, number[]]>>();
  for (const [key, percents] of alerted) {
    const [meter, periodKey] = key.split('\u0000');
    if (oldest !== undefined && !periodEndsAfter(periodKey, oldest)) continue;
    byMeter.set(meter, [...(byMeter.get(meter) ?? []), [periodKey, [...percents].sort((a, b) => a - b)]]);
  }
  // Object.fromEntries defines own properties, so a meter named `__proto__` is carried like any other.
  return Object.fromEntries([...byMeter].map(([meter, periods]) => [meter, Object.fromEntries(periods)]));
}
