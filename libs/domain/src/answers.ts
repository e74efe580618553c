import type { AccountEvent, UsageAccepted, UsageHeld, UsageRejected } from '@tally/events';
import { holdFor, originalDecision, type Account } from './account-state';
import type { DecideUsage, HoldUsage } from './commands';

/** The decision a usage or a hold is answered with, and whether it was made now or is a repeat's original. */
export interface Answer {
  decision: UsageAccepted | UsageRejected | UsageHeld;
  /** True when `decision` was made before (a repeat of its source + id), so nothing was counted now. */
  repeat: boolean;
}

/**
 * What a decided `command` is answered with (docs/contract.md §3 rule 1): the decision among the
 * `events` it appended, or, for a repeat, the original one from the `state` after it. A usage's
 * repeat gets the usage decided under its source + id, else the hold that holds it; a hold's
 * repeat gets the hold (even once committed), else the usage decided under it.
 */
export function answerOf(command: DecideUsage | HoldUsage, events: readonly AccountEvent[], state: Account): Answer {
  for (const event of events) {
    if (event.type === 'UsageAccepted' || event.type === 'UsageRejected' || event.type === 'UsageHeld') {
      return { decision: event, repeat: false };
    }
  }
  const { source, id } = command.usage;
  const hold = command.type === 'HoldUsage' ? holdFor(state, source, id) : null;
  const original = hold ? ({ type: 'UsageHeld', data: hold.hold } as const) : originalDecision(state, source, id);
  if (!original) throw new Error(`no decision for ${source}/${id}`);
  return { decision: original, repeat: true };
}
