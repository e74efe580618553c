import {
  type RejectReason,
  type UsageAccepted,
  type UsageAttributes,
  type UsageHeld,
  type UsageLine,
  type UsageRejected,
} from '@tally/events';

/**
 * A decision as clients see it: the HTTP body of POST /v1/usage and `metering.decisions.v1`;
 * with the usage's `extensions`, `dataschema` and `datacontenttype` when it carried them.
 */
export interface DecisionMessage extends UsageAttributes {
  id: string;
  source: string;
  subject: string;
  account: string;
  meter: string;
  quantity: number;
  decision: 'accepted' | 'rejected';
  reason?: RejectReason;
  /** The account whose rule decided a rejection, for an account in a tree (itself or an ancestor). */
  limitedBy?: string;
  overage: number;
  usage: number;
  limit: number | null;
  remaining: number | null;
  decidedAt: string;
  /** For `RATE_LIMITED`: milliseconds until the rate limit would admit the quantity; absent when it never will. */
  retryAfterMs?: number;
  /**
   * A multi-item usage's lines, one per item in the order sent; the fields above are then the
   * first item's, or for a rejection those of the item that failed (`meter` names it).
   */
  items?: DecisionLine[];
}

/** One item's line of a multi-item decision, as clients see it. */
export type DecisionLine = Omit<UsageLine, 'credits' | 'period' | 'bucketLevel'>;

/** The answer of POST /v1/usage/check: what deciding the request now would do. */
export interface UsageCheck {
  allowed: boolean;
  reason?: RejectReason;
  usage: number;
  limit: number | null;
  remaining: number | null;
  /** For `RATE_LIMITED`, as in {@link DecisionMessage}. */
  retryAfterMs?: number;
  /** For a multi-item usage: the item the fields above describe (the one that failed, if any), and every line. */
  meter?: string;
  items?: DecisionLine[];
}

/** The public lines of a multi-item decision; none for a single usage. */
export function decisionLines(lines: readonly UsageLine[] | undefined): { items?: DecisionLine[] } {
  return lines
    ? {
        items: lines.map(({ meter, quantity, usage, limit, remaining, overage }) => ({
          meter,
          quantity,
          usage,
          limit,
          remaining,
          overage,
        })),
      }
    : {};
}

/**
 * Builds the public decision from the stored decision event. Optional fields are assigned, not
 * spread from object literals: the relay and the decision log build one per event, and each
 * spread is an object allocated and copied (the fields' order is the same either way).
 */
export function toDecisionMessage(event: UsageAccepted | UsageRejected | UsageHeld): DecisionMessage {
  const d = event.data;
  const message: DecisionMessage = {
    id: d.id,
    source: d.source,
    subject: d.subject,
    account: d.account,
    meter: d.meter,
    quantity: d.quantity,
    decision: event.type === 'UsageRejected' ? 'rejected' : 'accepted',
  } as DecisionMessage;
  if (event.type === 'UsageRejected') {
    message.reason = event.data.reason;
    if (event.data.limitedBy !== undefined) message.limitedBy = event.data.limitedBy;
  }
  message.overage = d.overage;
  message.usage = d.usage;
  message.limit = d.limit;
  message.remaining = d.remaining;
  message.decidedAt = d.decidedAt;
  if (d.retryAfterMs !== undefined) message.retryAfterMs = d.retryAfterMs;
  if (d.items) message.items = decisionLines(d.items).items;
  if (d.datacontenttype !== undefined) message.datacontenttype = d.datacontenttype;
  if (d.dataschema !== undefined) message.dataschema = d.dataschema;
  if (d.extensions !== undefined && Object.keys(d.extensions).length) message.extensions = d.extensions;
  return message;
}
