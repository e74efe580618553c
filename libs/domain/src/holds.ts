import type { AccountEvent, HoldReleased } from '@tally/events';
import { holdFor, usageOf, type Account } from './account-state';
import type { CommitHold, ReleaseHold } from './commands';
import { DomainError } from './errors';
import { alertsFor } from './alerts';
import { heldUnits, holdLive, holdPeriodKey, type HoldRecord } from './hold-state';
import { quotaOf, remainingOf } from './decide-usage';
import { TOTAL } from './periods';
import { withinWindow } from './time';
import { levelView, periodsOnly } from './tree';

/** The open, unexpired hold a commit or release names; refuses every other case with its code. */
function liveHold(state: Account, { account, source, id, now }: CommitHold | ReleaseHold): HoldRecord {
  const record = holdFor(state, source, id);
  if (!record || record.hold.account !== account || !withinWindow(record.hold.decidedAt, now)) {
    throw new DomainError('RESERVATION_NOT_FOUND', `no reservation ${source}/${id} was held for ${account} in the last 35 days`);
  }
  if (record.ended?.committed === null) {
    throw new DomainError('RESERVATION_RELEASED', `reservation ${source}/${id} was released`);
  }
  if (record.ended) throw new DomainError('RESERVATION_COMMITTED', `reservation ${source}/${id} was committed`);
  if (!holdLive(record.hold, now)) {
    throw new DomainError('RESERVATION_EXPIRED', `reservation ${source}/${id} expired at ${record.hold.expiresAt}`);
  }
  return record;
}

function released({ hold }: HoldRecord, committed: number | null, now: string): HoldReleased {
  const { account, source, id, subject, meter, month, quantity, creditsHeld } = hold;
  return {
    type: 'HoldReleased',
    data: { account, source, id, subject, meter, month, quantity, creditsHeld, committed, at: now },
  };
}

/**
 * Commit c ≤ q: the hold ends, and an accepted usage of c units (c × the held price in credits)
 * is recorded under the reservation's source + id. A repeated commit decides nothing (the
 * commit's decision is the answer); committing more than was held is refused.
 */
export function commitHold(command: CommitHold, state: Account): AccountEvent[] {
  const record = holdFor(state, command.source, command.id);
  if (record?.ended && record.ended.committed !== null && withinWindow(record.hold.decidedAt, command.now)) return [];
  const live = liveHold(state, command);
  const { hold } = live;
  const quantity = command.quantity ?? hold.quantity;
  if (quantity > hold.quantity) {
    throw new DomainError('COMMIT_EXCEEDS_HOLD', `commit of ${quantity} exceeds the ${hold.quantity} units held`);
  }
  // A member of a tree reports its own level's usage and limit.
  const view = levelView(state, command.account);
  const quota = quotaOf(view, hold.meter, command.meter);
  const periodKey = quota?.period === 'none' ? TOTAL : holdPeriodKey(hold);
  const before = usageOf(view, hold.meter, periodKey);
  const used = before + quantity;
  const limit = quota ? quota.limit : hold.limit;
  const overage = limit === null ? 0 : Math.max(0, used - limit) - Math.max(0, before - limit);
  // Other holds still count; this one ends with the commit.
  const othersHeld = heldUnits(view, hold.meter, periodKey, command.now, command.account) - hold.quantity;
  // The hold took its rate-limit tokens when it was decided, at every level; its commit takes none.
  const { creditsHeld, expiresAt: _expiresAt, bucketLevel: _bucketLevel, levels, ...held } = hold;
  const decision = { ...held, ...periodsOnly(levels) };
  const cost = (creditsHeld / hold.quantity) * quantity;
  const usage = { source: hold.source, id: hold.id, meter: hold.meter };
  return [
    released(live, quantity, command.now),
    {
      type: 'UsageAccepted',
      data: {
        ...decision,
        quantity,
        usage: used,
        limit,
        remaining: remainingOf(limit, used + othersHeld),
        overage,
        decidedAt: command.now,
        reportedBy: command.reportedBy,
        creditsCharged: cost,
      },
    },
    // The committed units are an accepted usage: they raise the alerts they cross (docs/contract.md §3.6).
    ...(view === state
      ? alertsFor({ account: command.account, usage, quota, periodKey, after: used, cost, now: command.now }, state)
      : []),
  ];
}

/** Release: the hold ends and frees all it held. A second release decides nothing. */
export function releaseHold(command: ReleaseHold, state: Account): AccountEvent[] {
  const record = holdFor(state, command.source, command.id);
  if (record?.ended && record.ended.committed === null && withinWindow(record.hold.decidedAt, command.now)) return [];
  return [released(liveHold(state, command), null, command.now)];
}
