import { parseUsageMessage, type DecisionMessage, type FieldError } from '@tally/messages';
import type { UsageMessage } from '@tally/events';
import { validationProblem } from '../../http/problem';

/** How long a hold lasts when the producer does not say, and the bounds it may ask for (docs/contract.md §3.5). */
export const HOLD_TTL_SECONDS = { default: 300, min: 1, max: 3600 };

/** What POST /v1/reservations answers: the decision, and for an accepted hold when it frees itself. */
export type HoldView = DecisionMessage & { expiresAt?: string; creditsHeld?: number };

/** A validated reservation: the usage it holds for and its ttl. */
export interface HoldRequest {
  usage: UsageMessage;
  ttlSeconds: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A usage CloudEvent whose `data` may add `ttlSeconds` (an integer of seconds, 1 to 3600). The
 * rest is validated exactly as a usage; both kinds of error are reported together.
 */
export function parseHoldRequest(event: unknown): HoldRequest {
  let usage = event;
  let ttl: unknown = HOLD_TTL_SECONDS.default;
  if (isRecord(event) && isRecord(event.data) && Object.hasOwn(event.data, 'ttlSeconds')) {
    ttl = event.data.ttlSeconds;
    // Own entries only, so a `__proto__` member stays a member for the usage rules to refuse.
    const data = Object.fromEntries(Object.entries(event.data).filter(([name]) => name !== 'ttlSeconds'));
    usage = { ...event, data };
  }
  const errors: FieldError[] = [];
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < HOLD_TTL_SECONDS.min || ttl > HOLD_TTL_SECONDS.max) {
    errors.push({ field: 'data.ttlSeconds', reason: 'ttlSeconds must be an integer from 1 to 3600' });
  }
  const parsed = parseUsageMessage(usage);
  if (!parsed.ok) errors.unshift(...parsed.errors);
  if (!parsed.ok || errors.length) throw validationProblem(errors);
  return { usage: parsed.value, ttlSeconds: ttl as number };
}
