import { periodOf, type AccountEvent, type HoldReleased, type UsageHeld, type UsageLine } from '@tally/events';
import { holdFor, usageOf, type Account } from './account-state';
import type { CommitHold, ReleaseHold } from './commands';
import { commitDraws } from './earmarks';
import { DomainError } from './errors';
import { heldUnits, holdLive, holdPeriodKey, type HoldRecord } from './hold-state';
import { definitionOf, namedPeriod, overageOf, quotaOf, remainingOf, type AcceptedItem } from './decide-usage';
import { alertsInTree } from './level-alerts';
import { TOTAL } from './periods';
import { withinWindow } from './time';
import { levelView } from './tree';
import { periodsOnly } from './tree-counts';

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
  const { account, source, id, subject, meter, month, quantity, creditsHeld, payer } = hold;
  return {
    type: 'HoldReleased',
    data: { account, source, id, subject, meter, month, quantity, creditsHeld, committed, at: now, ...(payer ? { payer } : {}) },
  };
}

/** A held line and the units a commit records of it. */
interface CommittedLine {
  held: UsageLine;
  quantity: number;
}

/** The lines a hold holds: its items, or its one meter. */
function heldLines(hold: UsageHeld['data']): UsageLine[] {
  const { meter, quantity, usage, limit, remaining, overage, creditsHeld, levels } = hold;
  const above = levels === undefined ? {} : { levels };
  return hold.items ?? [{ meter, quantity, ...periodOf(hold), usage, limit, remaining, overage, credits: creditsHeld, ...above }];
}

/**
 * What a commit records of each held line: a single hold takes `quantity` (all when absent); a
 * multi-item hold takes `items` (every line in full when absent; a held meter not named used
 * none). Naming what was not held, or more than was held, is refused.
 */
function committedLines({ quantity, items }: CommitHold, hold: UsageHeld['data']): CommittedLine[] {
  const lines = heldLines(hold);
  const exceeds = (asked: number, held: UsageLine) =>
    new DomainError('COMMIT_EXCEEDS_HOLD', `commit of ${asked} ${held.meter} exceeds the ${held.quantity} units held`);
  if (!hold.items) {
    if (items)
      throw new DomainError('COMMIT_ITEMS_MISMATCH', `reservation ${hold.source}/${hold.id} holds one meter: commit a quantity`);
    const committed = quantity ?? hold.quantity;
    if (committed > hold.quantity) throw exceeds(committed, lines[0]);
    return [{ held: lines[0], quantity: committed }];
  }
  if (quantity !== null) {
    throw new DomainError('COMMIT_ITEMS_MISMATCH', `reservation ${hold.source}/${hold.id} holds several meters: commit items`);
  }
  if (!items) return lines.map((held) => ({ held, quantity: held.quantity }));
  const asked = new Map(items.map((item) => [item.meter, item.quantity]));
  for (const meter of asked.keys()) {
    if (!lines.some((line) => line.meter === meter)) {
      throw new DomainError('COMMIT_ITEMS_MISMATCH', `reservation ${hold.source}/${hold.id} holds no ${meter}`);
    }
  }
  return lines.flatMap((held) => {
    const committed = asked.get(held.meter);
    if (committed === undefined) return [];
    if (committed > held.quantity) throw exceeds(committed, held);
    return [{ held, quantity: committed }];
  });
}

/**
 * A committed line as an accepted item: counted against its meter's quota now, in the period the
 * line was held in, at the price it was held at. A member of a tree reports its own level's usage
 * and limit; the levels above it count the line again in the periods they held it in.
 */
function acceptedLine(
  command: CommitHold,
  state: Account,
  hold: UsageHeld['data'],
  { held, quantity }: CommittedLine,
): AcceptedItem {
  const view = levelView(state, command.account);
  const quota = quotaOf(view, held.meter, definitionOf(command, held.meter));
  const periodKey = quota?.period === 'none' ? TOTAL : holdPeriodKey(hold, hold.account, held);
  const before = usageOf(view, held.meter, periodKey);
  const after = before + quantity;
  const limit = quota ? quota.limit : held.limit;
  // Other holds still count; this one ends with the commit.
  const othersHeld = heldUnits(view, held.meter, periodKey, command.now, command.account) - held.quantity;
  const line: UsageLine = {
    meter: held.meter,
    quantity,
    ...namedPeriod(periodKey, hold.month),
    usage: after,
    limit,
    remaining: remainingOf(limit, after + othersHeld),
    overage: overageOf(limit, after) - overageOf(limit, before),
    credits: (held.credits / held.quantity) * quantity,
    // The hold took its rate-limit tokens when it was decided, at every level; its commit takes none.
    ...periodsOnly(held.levels),
  };
  return { line, quota, periodKey, after };
}

/**
 * Commit c ≤ q: the hold ends, and an accepted usage of c units (c × the held price in credits)
 * is recorded under the reservation's source + id; for a multi-item hold, per held meter. A
 * repeated commit decides nothing (the commit's decision is the answer); committing more than
 * was held is refused.
 */
export function commitHold(command: CommitHold, state: Account): AccountEvent[] {
  const record = holdFor(state, command.source, command.id);
  if (record?.ended && record.ended.committed !== null && withinWindow(record.hold.decidedAt, command.now)) return [];
  const live = liveHold(state, command);
  const { hold } = live;
  const items = committedLines(command, hold).map((line) => acceptedLine(command, state, hold, line));
  const cost = items.reduce((sum, item) => sum + item.line.credits, 0);
  // Paid from what the hold earmarked, whatever became of those grants since.
  const burns = commitDraws(state, hold, cost, command.now);
  const charged = burns.reduce((sum, b) => sum + b.amount, 0);
  // The hold took its rate-limit tokens when it was decided, at every level; its commit takes none.
  const {
    creditsHeld: _creditsHeld,
    expiresAt: _expiresAt,
    items: _held,
    bucketLevel: _bucketLevel,
    period: _period,
    levels: _levels,
    earmarks: _earmarks,
    ...decision
  } = hold;
  const { meter, quantity, usage, limit, remaining, overage, period, levels } = items[0].line;
  const lines = hold.items ? { items: items.map((item) => item.line) } : {};
  return [
    released(
      live,
      items.reduce((sum, item) => sum + item.line.quantity, 0),
      command.now,
    ),
    {
      type: 'UsageAccepted',
      data: {
        ...decision,
        ...{ meter, quantity, usage, limit, remaining, overage, ...periodOf({ period }), ...lines },
        ...(levels === undefined ? {} : { levels }),
        decidedAt: command.now,
        reportedBy: command.reportedBy,
        creditsCharged: charged,
        ...(charged > 0 ? { burns } : {}),
      },
    },
    // The committed units are an accepted usage: they raise the alerts they cross (docs/contract.md §3.6), at every level (§2.7).
    ...alertsInTree(
      {
        account: command.account,
        usage: hold,
        items,
        month: hold.month,
        cost: charged,
        now: command.now,
        definitionOf: (m) => definitionOf(command, m),
      },
      state,
    ),
  ];
}

/** Release: the hold ends and frees all it held. A second release decides nothing. */
export function releaseHold(command: ReleaseHold, state: Account): AccountEvent[] {
  const record = holdFor(state, command.source, command.id);
  if (record?.ended && record.ended.committed === null && withinWindow(record.hold.decidedAt, command.now)) return [];
  return [released(liveHold(state, command), null, command.now)];
}
