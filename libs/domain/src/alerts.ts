import { createHash } from 'node:crypto';
import type { AlertData, AlertRaised, QuotaTerms, UsageMessage } from '@tally/events';
import type { Account } from './account-state';
import { alreadyRaised } from './alert-memory';
import { liveBalance } from './grants';

/** What an accepted usage changed, as the alert rules need it. */
export interface AcceptedUsage {
  account: string;
  usage: Pick<UsageMessage, 'source' | 'id' | 'meter'>;
  quota: QuotaTerms | null;
  /** The period key the quota counts in ('YYYY-MM', an interval 'start/end', or 'total'). */
  periodKey: string;
  /** Usage of that period after the decision. */
  after: number;
  /** Credits debited by the decision. */
  cost: number;
  now: string;
}

/**
 * The alerts an accepted usage raises (docs/contract.md §3.6): every `alertAt` percentage of the quota's
 * limit that usage has now reached and that was not yet raised in this period, and
 * `credits.low` when the debit takes the balance from at or above `creditsBelow` to below it
 * (once per crossing: raised again only after the balance was back at or above it).
 */
export function alertsFor(accepted: AcceptedUsage, state: Account): AlertRaised[] {
  const { quota, after, cost, now, account } = accepted;
  const raised: Array<Omit<AlertData, 'id'>> = [];
  const limit = quota?.limit ?? null;
  if (quota && limit !== null && limit > 0) {
    for (const percent of [...quota.alertAt].sort((a, b) => a - b)) {
      // Exact: usage / limit ≥ percent / 100, compared in integers of any size.
      if (BigInt(after) * 100n < BigInt(percent) * BigInt(limit)) continue;
      if (alreadyRaised(state, accepted.usage.meter, accepted.periodKey, percent, account)) continue;
      const period = quota.period === 'none' ? {} : { period: accepted.periodKey };
      raised.push({
        account,
        kind: 'quota.threshold',
        threshold: percent,
        meter: accepted.usage.meter,
        usage: after,
        limit,
        ...period,
        raisedAt: now,
      });
    }
  }
  const below = state.creditsBelow;
  // Only live credits count: grants not yet effective, expired or voided are not there to spend.
  const before = below !== null && cost > 0 ? liveBalance(state.grants.values(), now) : 0;
  if (below !== null && cost > 0 && before >= below && before - cost < below) {
    raised.push({ account, kind: 'credits.low', threshold: below, balance: before - cost, raisedAt: now });
  }
  return raised.map((alert) => ({ type: 'AlertRaised', data: { id: alertId(accepted, alert), ...alert } }));
}

/**
 * A deterministic id, so deciding again after a version conflict raises the same alert: the
 * usage that raised it (unique within the account) and what it raised, hashed into a
 * header-safe token for `webhook-id` and `ce_id`.
 */
function alertId(accepted: AcceptedUsage, alert: Omit<AlertData, 'id'>): string {
  const identity = JSON.stringify([
    alert.account,
    accepted.usage.source,
    accepted.usage.id,
    alert.kind,
    alert.meter ?? null,
    alert.threshold,
    accepted.now,
  ]);
  return `alrt_${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}
