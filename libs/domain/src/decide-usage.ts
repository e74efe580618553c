import {
  keptAttributes,
  linesOf,
  type AccountEvent,
  type LevelCounted,
  type MeterDefinition,
  type QuotaTerms,
  type RejectReason,
  type UsageDecisionData,
  type UsageItem,
  type UsageLine,
  type UsageRejected,
} from '@tally/events';
import { decisionFor, holdFor, usageOf, type Account } from './account-state';
import { alertsInTree } from './level-alerts';
import type { HoldUsage, DecideUsage } from './commands';
import { spendableCredits } from './credit-decider';
import { expiryOf, heldUnits } from './hold-state';
import { TOTAL, periodKeyOf } from './periods';
import { takeTokens } from './rate-limit';
import { FUTURE_TOLERANCE_MS, IDEMPOTENCY_WINDOW_MS, monthOf, withinWindow } from './time';
import { chainOf, levelView } from './tree';

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

/** How one item (the usage itself, or one of a multi-item usage's items) stands against its quota and price. */
interface ItemStanding {
  line: UsageLine;
  quota: QuotaTerms | null;
  creditsPerUnit: number | null;
  periodKey: string;
  used: number;
  held: number;
}

/** An item that passed rules 3 to 6: its line after the decision, and what the alert rules need. */
export interface AcceptedItem {
  line: UsageLine;
  quota: QuotaTerms | null;
  periodKey: string;
  /** Usage of the period after the decision. */
  after: number;
}

/** A decision's fields but those of its lines (see {@link withLines}). */
type DecisionBase = Omit<UsageDecisionData, 'period' | 'bucketLevel' | 'levels' | 'items'>;

type Verdict =
  | { ok: false; data: UsageRejected['data'] }
  | { ok: true; base: DecisionBase; multi: boolean; items: AcceptedItem[]; cost: number };

/** Whether the account already decided this source + id (as a usage or a hold) within the window. */
export function alreadyDecided(state: Account, source: string, id: string, now: string): boolean {
  const prior = decisionFor(state, source, id);
  const hold = holdFor(state, source, id);
  return Boolean((prior && withinWindow(prior.event.data.decidedAt, now)) || (hold && withinWindow(hold.hold.decidedAt, now)));
}

/** The definition of one of a usage's meters, as the caller looked it up (`meters` for a multi-item usage). */
export function definitionOf(command: Pick<DecideUsage, 'meter' | 'meters'>, meter: string): MeterDefinition | null {
  return command.meters ? (command.meters.get(meter) ?? null) : command.meter;
}

/**
 * An item against its own meter's quota at one level of the account's tree (`state` being that
 * level's view), counted in that quota's period (each item, and each level, may have another).
 */
function standing(
  command: DecideUsage | HoldUsage,
  state: Account,
  item: UsageItem,
  { time, month, level }: { time: string; month: string; level: string },
): ItemStanding {
  const definition = definitionOf(command, item.meter);
  const quota = quotaOf(state, item.meter, definition);
  const periodKey = quota ? periodKeyOf(quota, time) : month;
  const used = usageOf(state, item.meter, periodKey);
  const held = heldUnits(state, item.meter, periodKey, command.now, level);
  const limit = quota?.limit ?? null;
  const line: UsageLine = {
    meter: item.meter,
    quantity: item.quantity,
    // A period other than the calendar month is named, so that reversals, holds and billing find it.
    ...namedPeriod(periodKey, month),
    usage: used,
    limit,
    remaining: remainingOf(limit, used + held),
    overage: 0,
    credits: 0,
  };
  return { line, quota, creditsPerUnit: definition?.creditsPerUnit ?? null, periodKey, used, held };
}

/** `{ period }` for a period key that is neither the calendar month nor the cumulative total. */
export function namedPeriod(periodKey: string, month: string): { period?: string } {
  return periodKey !== month && periodKey !== TOTAL ? { period: periodKey } : {};
}

/**
 * The decision: `base` with the headline its own fields carry (the line of its single item, or of
 * a multi-item usage's first item, the failing one for a rejection), every line in `items` for a
 * multi-item usage, then `after` (what the kind of decision adds).
 */
function withLines<T extends object>(
  base: DecisionBase,
  headline: UsageLine,
  lines: readonly UsageLine[] | null,
  after: T,
): UsageDecisionData & T {
  const { meter, quantity, usage, limit, remaining, overage, period, bucketLevel, levels } = headline;
  return {
    ...base,
    meter,
    quantity,
    usage,
    limit,
    remaining,
    overage,
    ...(period === undefined ? {} : { period }),
    ...(bucketLevel === undefined ? {} : { bucketLevel }),
    ...(levels === undefined ? {} : { levels }),
    ...(lines ? { items: lines as UsageLine[] } : {}),
    ...after,
  };
}

/** How one level of the tree stands on every item: the first that fails, or what each accepted item leaves. */
type LevelVerdict =
  { ok: false; failed: number; reason: RejectReason; retryAfterMs?: number } | { ok: true; items: AcceptedItem[]; cost: number };

/**
 * docs/contract.md §3 rules 2 to 6 (rule 8: for each item of a multi-item usage) at every level
 * of the account's tree (§2.7), from the account up to the root: accepted only if every item
 * passes at every level, all or nothing. Rule 2 first (time window), then at each level, for each
 * item in the order sent: quota or credits present, disabled meter, rate limit (4a: the item takes
 * its tokens from its own meter's bucket at that level), hard/soft limit (usage + held + q ≤ limit,
 * in that level's quota period for the item's meter), and at the root, which pays, the credit
 * balance (balance − held credits ≥ the cost of this item and those before it). An ancestor
 * without a quota for a meter does not limit it. A refusal anywhere takes no tokens and counts
 * nothing anywhere: only an acceptance records where each line counts and the level it leaves each
 * bucket at (its own level in the line's `period`/`bucketLevel`, those above it in `levels`). A
 * rejection is named by the failing item (its meter and line) and, in a tree, by the level whose
 * rule decided it (`limitedBy`); the decision reports the account's own usage and limits.
 */
function judge(command: DecideUsage | HoldUsage, state: Account): Verdict {
  const { usage: request, now } = command;
  const time = request.time ?? now;
  const month = monthOf(time);
  const multi = request.items !== undefined;
  const root = state.account ?? command.account;
  const chain = command.account === root ? [] : chainOf(state, command.account);
  const inTree = state.members.size > 0;
  const items = linesOf(request);
  const standingsAt = (level: string) => {
    const view = levelView(state, level);
    const at = { time, month, level };
    return items.map((item) => standing(command, view, item, at));
  };
  const own = standingsAt(command.account);
  const base: DecisionBase = {
    account: command.account,
    source: request.source,
    id: request.id,
    subject: request.subject,
    meter: request.meter,
    quantity: request.quantity,
    time,
    month,
    usage: 0,
    limit: null,
    remaining: null,
    overage: 0,
    decidedAt: now,
    ...keptAttributes(request),
    reportedBy: command.reportedBy,
    ...(state.account !== null && state.account !== command.account ? { payer: state.account } : {}),
  };
  const reject = (reason: RejectReason, level: string, failed = 0, retryAfterMs?: number): Verdict => ({
    ok: false,
    data: withLines(base, own[failed].line, multi ? own.map((s) => s.line) : null, {
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(inTree ? { limitedBy: level } : {}),
      reason,
    }),
  });

  const at = Date.parse(time);
  if (at < Date.parse(now) - IDEMPOTENCY_WINDOW_MS) return reject('TOO_LATE', command.account);
  if (at > Date.parse(now) + FUTURE_TOLERANCE_MS) return reject('IN_FUTURE', command.account);

  let accepted: AcceptedItem[] = [];
  let cost = 0;
  const above: LevelCounted[][] = items.map(() => []);
  for (const level of [...chain, root]) {
    const mine = level === command.account;
    const verdict = judgeLevel(command, levelView(state, level), mine ? own : standingsAt(level), {
      own: mine,
      payer: level === root,
    });
    if (!verdict.ok) return reject(verdict.reason, level, verdict.failed, verdict.retryAfterMs);
    if (mine) {
      ({ items: accepted, cost } = verdict);
      continue;
    }
    verdict.items.forEach(({ line: { period, bucketLevel } }, j) => {
      if (period === undefined && bucketLevel === undefined) return;
      above[j].push({
        account: level,
        ...(period === undefined ? {} : { period }),
        ...(bucketLevel === undefined ? {} : { bucketLevel }),
      });
    });
  }
  const lines = accepted.map((item, j) => (above[j].length === 0 ? item : { ...item, line: { ...item.line, levels: above[j] } }));
  return { ok: true, base, multi, items: lines, cost };
}

/**
 * Rules 3 to 6 at one level (`state` being its view), each item in the order sent; the first item
 * that fails decides. `own`: the account's own level (a level above it without a quota for a meter
 * does not limit it); `payer`: the root, whose balance pays the credits of every item.
 */
function judgeLevel(
  command: DecideUsage | HoldUsage,
  state: Account,
  standings: ItemStanding[],
  { own, payer }: { own: boolean; payer: boolean },
): LevelVerdict {
  const { now } = command;
  // The root's grants pay for every level: what is live at `now`, less what open holds in the tree
  // keep aside (never below 0: looked at only once there is something to pay).
  let available: number | undefined;
  const accepted: AcceptedItem[] = [];
  let cost = 0;
  for (let failed = 0; failed < standings.length; failed++) {
    const { line, quota, creditsPerUnit, used, held, periodKey } = standings[failed];
    // An ancestor without a quota for the meter does not limit it (the root still charges its price).
    if (!quota && !own && (!payer || creditsPerUnit === null)) {
      accepted.push({ line, quota, periodKey, after: used });
      continue;
    }
    if (!quota && creditsPerUnit === null) return { ok: false, failed, reason: 'NO_QUOTA' };
    if (line.limit === 0) return { ok: false, failed, reason: 'METER_DISABLED' };
    const rate = takeTokens(quota?.rateLimit, state.buckets.get(line.meter), line.quantity, now, command.afterTheFact === true);
    if (!rate.admitted) {
      return {
        ok: false,
        failed,
        reason: 'RATE_LIMITED',
        ...(rate.retryAfterMs === undefined ? {} : { retryAfterMs: rate.retryAfterMs }),
      };
    }
    const after = used + line.quantity;
    // A counter that would leave exact integer range is treated as over any limit.
    if (!Number.isSafeInteger(after + held)) return { ok: false, failed, reason: 'QUOTA_EXCEEDED' };
    if (line.limit !== null && quota?.enforcement === 'hard' && after + held > line.limit) {
      return { ok: false, failed, reason: 'QUOTA_EXCEEDED' };
    }
    const credits = creditsPerUnit === null ? 0 : line.quantity * creditsPerUnit;
    cost += credits;
    if (!Number.isSafeInteger(cost) || (payer && cost > 0 && cost > (available ??= spendableCredits(state, now)))) {
      return { ok: false, failed, reason: 'INSUFFICIENT_CREDITS' };
    }
    const overage = overageOf(line.limit, after) - overageOf(line.limit, used);
    const remaining = remainingOf(line.limit, after + held);
    const taken = rate.bucketLevel === undefined ? {} : { bucketLevel: rate.bucketLevel };
    accepted.push({ line: { ...line, usage: after, remaining, overage, credits, ...taken }, quota, periodKey, after });
  }
  return { ok: true, items: accepted, cost };
}

type Accepted = Extract<Verdict, { ok: true }>;

/**
 * The decision fields of an acceptance: the headline from the first line, and every line of a
 * multi-item usage. A hold counts no usage: its lines keep the period's usage before it.
 */
function acceptedData<T extends object>({ base, multi, items }: Accepted, after: T, held = false): UsageDecisionData & T {
  const lines = items.map(({ line, after }) => (held ? { ...line, usage: after - line.quantity } : line));
  return withLines(base, lines[0], multi ? lines : null, after);
}

/** Rule 1 (a duplicate, usage or hold, decides nothing), then {@link judge}; `accept` says what an acceptance records. */
function decideLikeUsage(
  command: DecideUsage | HoldUsage,
  state: Account,
  accept: (v: Accepted) => AccountEvent[],
): AccountEvent[] {
  if (alreadyDecided(state, command.usage.source, command.usage.id, command.now)) return [];
  const verdict = judge(command, state);
  return verdict.ok ? accept(verdict) : [{ type: 'UsageRejected', data: verdict.data }];
}

/**
 * docs/contract.md §3, in order: the usage counts against its period (each item against its
 * meter's) and is charged its credits, and raises the alerts it crosses (§3.6) at every level of
 * its tree (§2.7).
 */
export function decideUsage(command: DecideUsage, state: Account): AccountEvent[] {
  const { account, usage, now } = command;
  return decideLikeUsage(command, state, (verdict) => [
    { type: 'UsageAccepted', data: acceptedData(verdict, { creditsCharged: verdict.cost }) },
    ...alertsInTree(
      {
        account,
        usage,
        items: verdict.items,
        month: verdict.base.month,
        cost: verdict.cost,
        now,
        definitionOf: (meter) => definitionOf(command, meter),
      },
      state,
    ),
  ]);
}

/**
 * docs/contract.md §3.5: decided by the same rules with q = the held quantity; if accepted, q
 * units and q × creditsPerUnit credits are held until `expiresAt`. A rejection is an ordinary
 * `UsageRejected`.
 */
export function holdUsage(command: HoldUsage, state: Account): AccountEvent[] {
  return decideLikeUsage(command, state, (verdict) => [
    {
      type: 'UsageHeld',
      data: acceptedData(verdict, { creditsHeld: verdict.cost, expiresAt: expiryOf(command.now, command.ttlSeconds) }, true),
    },
  ]);
}
