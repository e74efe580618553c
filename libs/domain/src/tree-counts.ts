import type { CarriedMember, CountedItem, LevelCounted, UsageDecisionData } from '@tally/events';
import type { Account } from './account-state';
import { raisedFrom, raisedToCarry } from './alert-memory';
import { TOTAL, periodEndsAfter } from './periods';
import type { Member, UsageCounts } from './tree';

/*
 * Where a usage counts at each level of a tree (its month, and each level's quota period), and
 * the counts and members carried from a period into the next (or into a snapshot).
 */

/** Where a usage counts at one level: its month, and its quota's period there when that is not the month. */
export interface Counted {
  month: string;
  period?: string;
}

/** A decision or reversal, as far as counting it at each level of a tree goes: its lines (one, or a multi-item usage's). */
export type CountedAtLevels = Pick<UsageDecisionData, 'account' | 'month'> & CountedItem & { items?: readonly CountedItem[] };

/**
 * Where one line of a usage decided for `account` counts at `level`: the period the line named
 * for the account itself, or the one it recorded for a level above it (each level is held to its
 * own quota's period, item by item).
 */
export function countedAt(line: Pick<CountedItem, 'period' | 'levels'>, account: string, month: string, level: string): Counted {
  const period = level === account ? line.period : line.levels?.find((l) => l.account === level)?.period;
  return period === undefined ? { month } : { month, period };
}

/** The levels' periods without their buckets' levels: what a commit or a reversal counts again (tokens stay taken). */
export function periodsOnly(levels: LevelCounted[] | undefined): { levels?: LevelCounted[] } {
  const periods = (levels ?? []).flatMap(({ account, period }) => (period === undefined ? [] : [{ account, period }]));
  return periods.length > 0 ? { levels: periods } : {};
}

/** `usage` with `delta` more units of a meter in its month, its running total, and its quota period when it names one. */
export function addCounted(usage: UsageCounts, meter: string, counted: Counted, delta: number): UsageCounts {
  return copied(usage).set(meter, addTo(copied(usage.get(meter)), counted, delta));
}

/**
 * `usage` with each line of a decision (one, or a multi-item usage's) counted as {@link addCounted}
 * counts it at `where(line)`, `sign` +1 or -1: the same counts, with the map and each meter's counts
 * copied once per decision instead of once per line.
 */
export function addCountedLines(
  usage: UsageCounts,
  lines: readonly CountedItem[],
  where: (line: CountedItem) => Counted,
  sign: 1 | -1,
): UsageCounts {
  const sum = copied(usage);
  // The meters whose counts `sum` holds as its own copy already (a multi-item usage may repeat one).
  const copiedMeters = new Set<string>();
  for (const line of lines) {
    const current = sum.get(line.meter) as Map<string, number> | undefined;
    const counts = copiedMeters.has(line.meter) && current !== undefined ? current : copied(current);
    copiedMeters.add(line.meter);
    sum.set(line.meter, addTo(counts, where(line), sign * line.quantity));
  }
  return sum;
}

/** `counts` (a copy of the caller's own) with `delta` more units in the month, the running total and the period when named. */
function addTo(counts: Map<string, number>, counted: Counted, delta: number): Map<string, number> {
  counts.set(counted.month, (counts.get(counted.month) ?? 0) + delta);
  counts.set(TOTAL, (counts.get(TOTAL) ?? 0) + delta);
  if (counted.period !== undefined) counts.set(counted.period, (counts.get(counted.period) ?? 0) + delta);
  return counts;
}

/** A copy of `map` (empty for none), made by `forEach`: copying with the Map constructor allocates an entry pair per element. */
function copied<K, V>(map: ReadonlyMap<K, V> | undefined): Map<K, V> {
  const copy = new Map<K, V>();
  map?.forEach((value, key) => copy.set(key, value));
  return copy;
}

/** Carried usage (JSON) as the state keeps it; own keys only, whatever their names. */
export function countsFrom(carried: Record<string, Record<string, number>>): UsageCounts {
  return new Map(Object.entries(carried).map(([meter, byPeriod]) => [meter, new Map(Object.entries(byPeriod))]));
}

/**
 * Usage counts as JSON, keeping the running totals and the periods that end after `oldest` (the
 * oldest instant a usage may still be counted at); every period without it.
 */
export function countsToCarry(usage: UsageCounts, oldest?: string): Record<string, Record<string, number>> {
  // Object.fromEntries defines own properties, so a meter named `__proto__` is carried like any other.
  return Object.fromEntries(
    [...usage].map(([meter, byPeriod]) => [
      meter,
      Object.fromEntries([...byPeriod].filter(([key]) => oldest === undefined || periodEndsAfter(key, oldest))),
    ]),
  );
}

/** The members of a tree to carry into the root's next period (see {@link countsToCarry} for `oldest`). */
export function membersToCarry(state: Account, oldest?: string): Array<[string, CarriedMember]> {
  return [...state.members].map(([name, m]) => [
    name,
    {
      parent: m.parent,
      quotas: Object.fromEntries(m.quotas),
      usage: countsToCarry(m.usage, oldest),
      ...(m.buckets.size > 0 ? { buckets: Object.fromEntries(m.buckets) } : {}),
      ...(m.alerted.size > 0 ? { raised: raisedToCarry(m.alerted, oldest) } : {}),
    },
  ]);
}

/** Carried members as the state keeps them. */
export function membersFrom(carried: Array<[string, CarriedMember]> | undefined): ReadonlyMap<string, Member> {
  return new Map(
    (carried ?? []).map(([name, m]) => [
      name,
      {
        parent: m.parent,
        quotas: new Map(Object.entries(m.quotas)),
        usage: countsFrom(m.usage),
        buckets: new Map(Object.entries(m.buckets ?? {})),
        alerted: raisedFrom(m.raised),
      },
    ]),
  );
}
