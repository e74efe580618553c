import type { AccountEvent, AccountRootEvent, MeterEvent } from '@tally/events';
import { evolve, initialState, type Account } from './account-state';
import { unreachable } from './errors';

/** The instant an account event was decided at: the decider's clock, as the event records it. */
export function recordedAt(event: AccountEvent): string {
  switch (event.type) {
    case 'PeriodOpened':
      return event.data.openedAt;
    case 'PeriodClosed':
      return event.data.closedAt;
    case 'UsageAccepted':
    case 'UsageRejected':
    case 'UsageHeld':
      return event.data.decidedAt;
    case 'QuotaSet':
    case 'CreditsGranted':
    case 'UsageReversed':
    case 'HoldReleased':
    case 'CreditAlertSet':
    case 'MemberAttached':
    case 'MemberDetached':
    case 'AccountMoved':
    case 'GrantVoided':
    case 'AllowanceSet':
    case 'AllowanceRemoved':
      return event.data.at;
    // Recorded by a later decision, but it took effect at the grant's expiresAt (its `at`).
    case 'CreditsExpired':
      return event.data.at;
    case 'AlertRaised':
      return event.data.raisedAt;
    default:
      return unreachable(event);
  }
}

function atOrBefore(instant: string, asOf: string): boolean {
  return Date.parse(instant) <= Date.parse(asOf);
}

/** The account as Tally knew it at `asOf`: only the events decided at or before that instant, folded. */
export function foldAsOf(events: readonly AccountEvent[], asOf: string): Account {
  return events.filter((e) => atOrBefore(recordedAt(e), asOf)).reduce(evolve, initialState());
}

/** The periods an account had opened by `asOf`, oldest first, from its root stream. */
export function periodsAsOf(root: readonly AccountRootEvent[], asOf: string): string[] {
  return root.filter((e) => atOrBefore(e.type === 'AccountOpened' ? e.data.openedAt : e.data.at, asOf)).map((e) => e.data.period);
}

/** A meter's definition events up to `asOf`: the terms (default quota, price) in force then. */
export function meterEventsAsOf(events: readonly MeterEvent[], asOf: string): MeterEvent[] {
  return events.filter((e) => atOrBefore(e.data.at, asOf));
}
