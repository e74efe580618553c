import type { Account } from './account-state';
import { usageOf } from './account-state';
import { heldUnits } from './hold-state';
import { childrenOf, levelView } from './tree';

/** What one level's limit for a meter is held against in a period: the usage and live holds of its whole subtree. */
export interface SubtreeStanding {
  usage: number;
  reserved: number;
}

/**
 * docs/contract.md §2.7: a level's limit is held against its whole subtree when deciding, so its
 * quota view reports what deciding counts — the usage its tree's aggregate (`root`, the state of
 * the tree's root) counts at `level` in `periodKey`, and the units the live holds of its subtree
 * keep there at `now`, each hold in the period it counts in at that level.
 */
export function subtreeStanding(root: Account, level: string, meter: string, periodKey: string, now: string): SubtreeStanding {
  const view = levelView(root, level);
  return { usage: usageOf(view, meter, periodKey), reserved: heldUnits(view, meter, periodKey, now, level) };
}

/** Whether `level` has members below it in the tree whose root's state is `root` (a lone account has none). */
export function hasMembersBelow(root: Account, level: string): boolean {
  return childrenOf(root, level).length > 0;
}
