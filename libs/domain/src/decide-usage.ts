import {
  keptAttributes,
  type AccountEvent,
  type MeterDefinition,
  type QuotaTerms,
  type RejectReason,
  type UsageDecisionData,
} from '@tally/events';
import { decisionFor, holdFor, usageOf, type Account } from './account-state';
import { alertsFor } from './alerts';
import type { HoldUsage, DecideUsage } from './commands';
import { spendableCredits } from './credit-decider';
import { expiryOf, heldUnits } from './hold-state';
import { TOTAL, periodKeyOf } from './periods';
import { takeTokens } from './rate-limit';
import { FUTURE_TOLERANCE_MS, IDEMPOTENCY_WINDOW_MS, monthOf, withinWindow } from './time';

/** The quota a request is held to: the account's own, else the meter's default. */
export function effectiveQuota(state: Account, command: Pick<DecideUsage, 'usage' | 'meter'>): QuotaTerms | null {
  return quotaOf(state, command.usage.meter, command.meter);
}

/** The quota of a meter for this account: its own, else the definition's default. */
export function quotaOf(state: Account, meter: string, definition: MeterDefinition | null): QuotaTerms | null {
  return quotaInForce(state.quotas.get(meter), definition?.defaultQuota);
}

/** The quota a meter is held to (docs/contract.md §2): the account's own, else the meter's default, else none. */
export function quotaInForce(own: QuotaTerms | null | undefined, meterDefault: QuotaTerms | null | undefined): QuotaTerms | null {
  return own ?? meterDefault ?? null;
}

/**
 * Every quota an account is held to, by meter in name order: its own, and the meters' defaults
 * where it has none of its own (what GET …/quotas answers, live or as of an instant).
 */
export function quotasInForce(
  own: Iterable<readonly [string, QuotaTerms]>,
  defaults: Iterable<readonly [string, QuotaTerms]>,
): Array<[string, QuotaTerms]> {
  const terms = new Map<string, QuotaTerms>(defaults);
  for (const [meter, quota] of own) terms.set(meter, quota);
  return [...terms.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** What is left of a limit once `counted` units (usage and holds) are taken; null when unlimited. */
export function remainingOf(limit: number | null, counted: number): number | null {
  return limit === null ? null : Math.max(0, limit - counted);
}

/** The units of `usage` above a limit (none when unlimited). */
export function overageOf(limit: number | null, usage: number): number {
  return limit === null ? 0 : Math.max(0, usage - limit);
}

type Verdict =
  | { ok: false; base: UsageDecisionData; reason: RejectReason }
  | {
      ok: true;
      base: UsageDecisionData;
      quota: QuotaTerms | null;
      periodKey: string;
      after: number;
      held: number;
      cost: number;
      overage: number;
    };

/** Whether the account already decided this source + id (as a usage or a hold) within the window. */
export function alreadyDecided(state: Account, source: string, id: string, now: string): boolean {
  const prior = decisionFor(state, source, id);
  const hold = holdFor(state, source, id);
  return Boolean((prior && withinWindow(prior.event.data.decidedAt, now)) || (hold && withinWindow(hold.hold.decidedAt, now)));
}

/**
 * docs/contract.md §3 rules 2 to 6, in order: time window, quota or credits present, disabled meter,
 * rate limit (4a: an acceptance records the level it leaves the bucket at), hard/soft limit (usage + held + q ≤ limit), credit balance (balance − held credits ≥ cost).
 */
function judge(command: DecideUsage | HoldUsage, state: Account): Verdict {
  const { usage: request, now } = command;
  const time = request.time ?? now;
  const quota = effectiveQuota(state, command);
  const creditsPerUnit = command.meter?.creditsPerUnit ?? null;
  const month = monthOf(time);
  const periodKey = quota ? periodKeyOf(quota, time) : month;
  const used = usageOf(state, request.meter, periodKey);
  const held = heldUnits(state, request.meter, periodKey, now);
  const limit = quota?.limit ?? null;
  const base: UsageDecisionData = {
    account: command.account,
    source: request.source,
    id: request.id,
    subject: request.subject,
    meter: request.meter,
    quantity: request.quantity,
    time,
    month,
    // A period other than the calendar month is named, so that reversals, holds and billing find it.
    ...(periodKey !== month && periodKey !== TOTAL ? { period: periodKey } : {}),
    usage: used,
    limit,
    remaining: remainingOf(limit, used + held),
    overage: 0,
    decidedAt: now,
    ...keptAttributes(request),
    reportedBy: command.reportedBy,
  };
  const reject = (reason: RejectReason): Verdict => ({ ok: false, base, reason });

  const at = Date.parse(time);
  if (at < Date.parse(now) - IDEMPOTENCY_WINDOW_MS) return reject('TOO_LATE');
  if (at > Date.parse(now) + FUTURE_TOLERANCE_MS) return reject('IN_FUTURE');
  if (!quota && creditsPerUnit === null) return reject('NO_QUOTA');
  if (limit === 0) return reject('METER_DISABLED');
  const rate = takeTokens(
    quota?.rateLimit,
    state.buckets.get(request.meter),
    request.quantity,
    now,
    command.afterTheFact === true,
  );
  if (!rate.admitted) {
    return {
      ok: false,
      base: rate.retryAfterMs === undefined ? base : { ...base, retryAfterMs: rate.retryAfterMs },
      reason: 'RATE_LIMITED',
    };
  }

  const after = used + request.quantity;
  // A counter that would leave exact integer range is treated as over any limit.
  if (!Number.isSafeInteger(after + held)) return reject('QUOTA_EXCEEDED');
  if (limit !== null && quota?.enforcement === 'hard' && after + held > limit) return reject('QUOTA_EXCEEDED');

  const cost = creditsPerUnit === null ? 0 : request.quantity * creditsPerUnit;
  if (!Number.isSafeInteger(cost) || cost > spendableCredits(state, now)) {
    return reject('INSUFFICIENT_CREDITS');
  }
  const overage = limit === null ? 0 : Math.max(0, after - limit) - Math.max(0, used - limit);
  const taken = rate.bucketLevel === undefined ? base : { ...base, bucketLevel: rate.bucketLevel };
  return { ok: true, base: taken, quota, periodKey, after, held, cost, overage };
}

type Accepted = Extract<Verdict, { ok: true }>;

/** Rule 1 (a duplicate, usage or hold, decides nothing), then {@link judge}; `accept` says what an acceptance records. */
function decideLikeUsage(
  command: DecideUsage | HoldUsage,
  state: Account,
  accept: (v: Accepted) => AccountEvent[],
): AccountEvent[] {
  if (alreadyDecided(state, command.usage.source, command.usage.id, command.now)) return [];
  const verdict = judge(command, state);
  return verdict.ok ? accept(verdict) : [{ type: 'UsageRejected', data: { ...verdict.base, reason: verdict.reason } }];
}

/**
 * docs/contract.md §3, in order: the usage counts against its period and is charged its credits, and
 * raises the alerts it crosses (§3.6).
 */
export function decideUsage(command: DecideUsage, state: Account): AccountEvent[] {
  const { account, usage, now } = command;
  return decideLikeUsage(command, state, ({ base, quota, periodKey, after, held, cost, overage }) => [
    {
      type: 'UsageAccepted',
      data: { ...base, usage: after, remaining: remainingOf(base.limit, after + held), overage, creditsCharged: cost },
    },
    ...alertsFor({ account, usage, quota, periodKey, after, cost, now }, state),
  ]);
}

/**
 * docs/contract.md §3.5: decided by the same rules with q = the held quantity; if accepted, q
 * units and q × creditsPerUnit credits are held until `expiresAt`. A rejection is an ordinary
 * `UsageRejected`.
 */
export function holdUsage(command: HoldUsage, state: Account): AccountEvent[] {
  return decideLikeUsage(command, state, ({ base, after, held, cost, overage }) => [
    {
      type: 'UsageHeld',
      data: {
        ...base,
        remaining: remainingOf(base.limit, after + held),
        overage,
        creditsHeld: cost,
        expiresAt: expiryOf(command.now, command.ttlSeconds),
      },
    },
  ]);
}
