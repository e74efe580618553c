import type { AccountEvent } from '@tally/events';

/**
 * An event that answers for a (source, id) of an account: the store indexes it under
 * (account, source, id, kind) in the same transaction as the event, so a repeat, a reversal or a
 * commit of an id the bounded memory forgot still finds what was decided (docs/contract.md §3
 * rule 1). Each kind happens at most once per id within the idempotency window — `decided` (the
 * usage's or the hold's decision, accepted, rejected or held), `ended` (the hold's commit or
 * release), `committed` (the usage a commit accepts) and `reversed` — so a second claim of a kind
 * means the account forgot the first: the store refuses the append, and the shell recalls the
 * claimed events and decides again.
 */
export interface UsageClaim {
  /** Index of the claiming event among the events appended with it. */
  event: number;
  account: string;
  source: string;
  id: string;
  kind: ClaimKind;
  /** When it was decided: the claim answers for 35 days from then. */
  at: string;
}

export type ClaimKind = 'decided' | 'ended' | 'committed' | 'reversed';

/** The claims the events make, in order. */
export function claimsOf(events: readonly AccountEvent[]): UsageClaim[] {
  const claims: UsageClaim[] = [];
  events.forEach((event, index) => {
    switch (event.type) {
      case 'UsageAccepted':
      case 'UsageRejected':
      case 'UsageHeld': {
        const { account, source, id, decidedAt } = event.data;
        const previous = events[index - 1];
        // A commit appends the hold's end, then the usage it accepts under the same id.
        const commits =
          event.type === 'UsageAccepted' &&
          previous?.type === 'HoldReleased' &&
          previous.data.source === source &&
          previous.data.id === id;
        claims.push({ event: index, account, source, id, kind: commits ? 'committed' : 'decided', at: decidedAt });
        break;
      }
      case 'HoldReleased':
      case 'UsageReversed': {
        const { account, source, id, at } = event.data;
        claims.push({ event: index, account, source, id, kind: event.type === 'HoldReleased' ? 'ended' : 'reversed', at });
        break;
      }
      default:
        break;
    }
  });
  return claims;
}
