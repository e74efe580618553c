import type { DecisionMessage } from '@tally/messages';

/** What {@link answerStatus} needs of a response: Fastify's reply has it. */
export interface StatusTarget {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

/**
 * The status of a single decided usage or hold (docs/contract.md §5): `accepted` when accepted,
 * 429 with `Retry-After` (whole seconds, rounded up) when rate limited, 402 for any other
 * rejection. A rate-limited usage above the burst has no retry time, so it gets no `Retry-After`:
 * waiting would not help.
 */
export function answerStatus(response: StatusTarget, decision: DecisionMessage, accepted: number): void {
  if (decision.decision === 'accepted') {
    response.status(accepted);
  } else if (decision.reason === 'RATE_LIMITED') {
    response.status(429);
    if (decision.retryAfterMs !== undefined) response.header('Retry-After', String(Math.ceil(decision.retryAfterMs / 1000)));
  } else {
    response.status(402);
  }
}
