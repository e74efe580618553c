import { parseHoldMessage, type DecisionMessage } from '@tally/messages';
import type { UsageMessage } from '@tally/events';
import { validationProblem } from '../../http/problem';

/** How long a hold lasts when the producer does not say, and the bounds it may ask for (docs/contract.md §3.5). */
export { HOLD_TTL_SECONDS } from '@tally/messages';

/** What POST /v1/reservations answers: the decision, and for an accepted hold when it frees itself. */
export type HoldView = DecisionMessage & { expiresAt?: string; creditsHeld?: number };

/** A validated reservation: the usage it holds for and its ttl. */
export interface HoldRequest {
  usage: UsageMessage;
  ttlSeconds: number;
}

/**
 * A usage CloudEvent whose `data` may add `ttlSeconds` (an integer of seconds, 1 to 3600), checked
 * by the usage contract's `ReservationCloudEvent`; every error is reported at once.
 */
export function parseHoldRequest(event: unknown): HoldRequest {
  const parsed = parseHoldMessage(event);
  if (!parsed.ok) throw validationProblem(parsed.errors);
  return parsed.value;
}
