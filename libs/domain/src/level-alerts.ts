import type { AlertRaised, MeterDefinition, UsageMessage } from '@tally/events';
import { usageOf, type Account } from './account-state';
import { alertsFor } from './alerts';
import type { AcceptedItem } from './decide-usage';
import { TOTAL } from './periods';
import { chainOf, levelView } from './tree';
import { countedAt } from './tree-counts';

/** The alerts accepted items raise at one level: each item's quota thresholds, and the credits of all of them once. */
export function alertsOfItems(
  account: string,
  usage: Pick<UsageMessage, 'source' | 'id'>,
  items: readonly AcceptedItem[],
  cost: number,
  now: string,
  state: Account,
): AlertRaised[] {
  return items.flatMap(({ line, quota, periodKey, after }, i) =>
    alertsFor(
      {
        account,
        usage: { source: usage.source, id: usage.id, meter: line.meter },
        quota,
        periodKey,
        after,
        cost: i === 0 ? cost : 0,
        now,
      },
      state,
    ),
  );
}

/** What a usage being accepted for `account` needs to raise its alerts at every level of its tree. */
export interface AcceptedInTree {
  account: string;
  usage: Pick<UsageMessage, 'source' | 'id'>;
  /** The items as the account's own level counts them (their lines name the periods of the levels above). */
  items: readonly AcceptedItem[];
  month: string;
  /** Credits charged: the payer's (the root's) credit alert. */
  cost: number;
  now: string;
  /** The definition of an item's meter, for a level without a quota of its own (its default quota). */
  definitionOf: (meter: string) => MeterDefinition | null;
}

/**
 * docs/contract.md §2.7 and §3.6: the alerts an accepted usage raises at every level of its tree,
 * from its account up to the root, each level against its own quota (its own, else the meter's
 * default) in the period the usage counts in there, its `after` being that level's usage (its
 * subtree's) with the items counted; each threshold once per period per level, each alert naming
 * the level whose quota crossed. `credits.low` only at the root, which pays. `state` is the tree's
 * aggregate before the usage counts.
 */
export function alertsInTree(accepted: AcceptedInTree, state: Account): AlertRaised[] {
  const { account, usage, items, month, cost, now, definitionOf } = accepted;
  const root = state.account ?? account;
  const own = alertsOfItems(account, usage, items, account === root ? cost : 0, now, state);
  if (account === root) return own;
  const above = [...chainOf(state, account).slice(1), root];
  return [
    ...own,
    ...above.flatMap((level) => {
      const view = levelView(state, level);
      const atLevel = items.map(({ line }): AcceptedItem => {
        // The quota in force at the level: its own, else the meter's default.
        const quota = view.quotas.get(line.meter) ?? definitionOf(line.meter)?.defaultQuota ?? null;
        const periodKey = quota?.period === 'none' ? TOTAL : (countedAt(line, account, month, level).period ?? month);
        return { line, quota, periodKey, after: usageOf(view, line.meter, periodKey) + line.quantity };
      });
      return alertsOfItems(level, usage, atLevel, level === root ? cost : 0, now, state);
    }),
  ];
}
