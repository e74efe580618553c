import { keptAttributes, type AccountEvent, type QuotaTerms, type RejectReason, type UsageDecisionData } from '@tally/events';
import { decisionFor, usageOf, type Account } from './account-state';
import { alertsFor } from './alerts';
import type { RequestUsage } from './commands';
import { FUTURE_TOLERANCE_MS, IDEMPOTENCY_WINDOW_MS, TOTAL, monthOf, withinWindow } from './time';

/** The quota a request is held to: the account's own, else the meter's default. */
export function effectiveQuota(state: Account, command: Pick<RequestUsage, 'usage' | 'meter'>): QuotaTerms | null {
  return state.quotas.get(command.usage.meter) ?? command.meter?.defaultQuota ?? null;
}

function remainingOf(limit: number | null, usage: number): number | null {
  return limit === null ? null : Math.max(0, limit - usage);
}

/**
 * DESIGN §3, in order: duplicate, time window, quota or credits present, disabled meter,
 * hard/soft limit, credit balance. A duplicate decides nothing (no event).
 */
export function requestUsage(command: RequestUsage, state: Account): AccountEvent[] {
  const { usage: request, now } = command;
  const prior = decisionFor(state, request.source, request.id);
  if (prior && withinWindow(prior.event.data.decidedAt, now)) return [];

  const time = request.time ?? now;
  const quota = effectiveQuota(state, command);
  const creditsPerUnit = command.meter?.creditsPerUnit ?? null;
  const month = monthOf(time);
  const periodKey = quota?.period === 'none' ? TOTAL : month;
  const used = usageOf(state, request.meter, periodKey);
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
    usage: used,
    limit,
    remaining: remainingOf(limit, used),
    overage: 0,
    decidedAt: now,
    ...keptAttributes(request),
    reportedBy: command.reportedBy,
  };
  const reject = (reason: RejectReason): AccountEvent[] => [{ type: 'UsageRejected', data: { ...base, reason } }];

  const at = Date.parse(time);
  if (at < Date.parse(now) - IDEMPOTENCY_WINDOW_MS) return reject('TOO_LATE');
  if (at > Date.parse(now) + FUTURE_TOLERANCE_MS) return reject('IN_FUTURE');
  if (!quota && creditsPerUnit === null) return reject('NO_QUOTA');
  if (limit === 0) return reject('METER_DISABLED');

  const after = used + request.quantity;
  // A counter that would leave exact integer range is treated as over any limit.
  if (!Number.isSafeInteger(after)) return reject('QUOTA_EXCEEDED');
  if (limit !== null && quota?.enforcement === 'hard' && after > limit) return reject('QUOTA_EXCEEDED');

  const cost = creditsPerUnit === null ? 0 : request.quantity * creditsPerUnit;
  if (!Number.isSafeInteger(cost) || cost > state.credits.balance) return reject('INSUFFICIENT_CREDITS');

  const overage = limit === null ? 0 : Math.max(0, after - limit) - Math.max(0, used - limit);
  return [
    {
      type: 'UsageAccepted',
      data: { ...base, usage: after, remaining: remainingOf(limit, after), overage, creditsCharged: cost },
    },
    ...alertsFor({ account: command.account, usage: request, quota, periodKey, after, cost, now }, state),
  ];
}
