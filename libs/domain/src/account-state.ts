import { Map as ImmutableMap } from 'immutable';
import {
  linesOf,
  type AccountEvent,
  type CarriedAllowance,
  type CreditTotals,
  type QuotaTerms,
  type RateBucket,
  type UsageAccepted,
  type UsageRejected,
  type UsageHeld,
  type UsageReversed,
  type UsageDecisionData,
} from '@tally/events';
import { alertsFrom, withAlertRaisedAt } from './alert-memory';
import { unreachable } from './errors';
import { holdLive, withHold, withHoldEnded, type HoldRecord } from './hold-state';
import { Recent } from './recent';
import { withinWindow } from './time';
import type { Member } from './tree';
import { addCountedLines, countedAt, countsFrom, membersFrom } from './tree-counts';
import { withAttached, withMemberQuota, withMemberUsage, withoutMember, withTokensTaken } from './tree-folding';
import type { Earmarks } from './earmarks';
import type { Grant } from './grants';
import { emptyWallet, evolveWallet } from './wallet';

export { RECENT_IDS, Recent } from './recent';

/** A decision the account remembers for idempotency and reversals. */
export interface DecisionRecord {
  event: UsageAccepted | UsageRejected;
  reversal: UsageReversed['data'] | null;
}

/** The account aggregate, folded from its recent period streams. */
export interface Account {
  account: string | null;
  /** Period of the stream folded last, and whether that stream is closed (and by what). */
  period: string | null;
  next: string | null;
  credits: CreditTotals;
  /**
   * Quotas by meter. Maps, never plain objects: a meter named `toString` or `__proto__` must not
   * find a member of Object.prototype where its quota would be. Native Maps, copied on write (they
   * are small): Immutable's `update` silently drops the keys `__proto__` and `constructor`.
   */
  quotas: ReadonlyMap<string, QuotaTerms>;
  /** meter → period key ('YYYY-MM', an interval 'start/end', or 'total') → accepted units net of reversals. */
  usage: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /**
   * The most recent decisions (at most {@link RECENT_IDS}), keyed by {@link usageKey}, oldest
   * first: a repeat among them is answered without asking the store. Older ones within the
   * idempotency window are found through the store's claims index and recalled
   * ({@link recall}). Persistent, so evolve stays pure.
   */
  decisions: Recent<DecisionRecord>;
  /**
   * Grants by id: live ones, and ended or emptied ones until 35 days after credits last moved in
   * them (refunds reach them; a grant id is idempotent while it is held). See {@link Wallet}.
   */
  grants: ImmutableMap<string, Grant>;
  /** The recurring grant, and the last period it was issued for; null when none. */
  allowance: CarriedAllowance | null;
  /** What open holds set aside on each grant (see {@link Wallet}). */
  earmarks: Earmarks;
  /** The most recent holds (at most {@link RECENT_IDS}), keyed by {@link usageKey}, with how each ended. */
  holds: Recent<HoldRecord>;
  /** Holds neither committed nor released, by {@link usageKey}; those past `expiresAt` count nothing. */
  openHolds: ImmutableMap<string, UsageHeld['data']>;
  /** Balance below which a debit raises `credits.low`; null = no credit alert. */
  creditsBelow: number | null;
  /** Quota thresholds already raised: {@link alertKey}(meter, period key) → percentages. */
  alerted: ReadonlyMap<string, ReadonlySet<number>>;
  /** Rate-limit buckets by meter, as the last decision that took tokens left them: one per rate-limited meter. */
  buckets: ReadonlyMap<string, RateBucket>;
  /**
   * The root of the tree this account's decisions moved to (docs/contract.md §2.7);
   * null while they are its own. Nothing is decided on a moved account's own streams.
   */
  tree: string | null;
  /** The members of the tree this account is the root of, by name (empty: no children). */
  members: ReadonlyMap<string, Member>;
}

/** The key under which a usage request is deduplicated. */
export function usageKey(source: string, id: string): string {
  return `${source}\u0000${id}`;
}

/** The decision the account remembers for a usage, with its reversal if any; null if it remembers none. */
export function decisionFor(state: Account, source: string, id: string): DecisionRecord | null {
  return state.decisions.get(usageKey(source, id)) ?? null;
}

/**
 * The state with its windows of recent decisions and holds keeping at most `limit` ids and
 * `maxBytes` of them each (the oldest beyond forgotten, as the claims index answers for them): how
 * the shell bounds the memory of every account it caches together. All else stays.
 */
export function withRecentLimit(state: Account, limit: number, maxBytes = Infinity): Account {
  return {
    ...state,
    decisions: state.decisions.withLimit(limit, maxBytes),
    holds: state.holds.withLimit(limit, maxBytes),
  };
}

/** State before any event. */
export function initialState(): Account {
  return {
    account: null,
    period: null,
    next: null,
    ...emptyWallet(),
    quotas: new Map(),
    usage: new Map(),
    decisions: Recent.empty(),
    holds: Recent.empty(),
    openHolds: ImmutableMap(),
    creditsBelow: null,
    alerted: new Map(),
    buckets: new Map(),
    tree: null,
    members: new Map(),
  };
}

/** What a repeat of this source + id is answered with: the usage decided under it, else its hold; null if none. */
export function originalDecision(state: Account, source: string, id: string): UsageAccepted | UsageRejected | UsageHeld | null {
  const decided = decisionFor(state, source, id);
  if (decided) return decided.event;
  const hold = holdFor(state, source, id);
  return hold ? { type: 'UsageHeld', data: hold.hold } : null;
}

/** The hold the account remembers under a source + id, or null. */
export function holdFor(state: Account, source: string, id: string): HoldRecord | null {
  const key = usageKey(source, id);
  const record = state.holds.get(key);
  if (record) return record;
  // An open hold is never forgotten while it is open, even when newer holds pushed it out.
  const open = state.openHolds.get(key);
  return open ? { hold: open, ended: null } : null;
}

/** Units counted for a meter under a period key. */
export function usageOf(state: Account, meter: string, periodKey: string): number {
  return state.usage.get(meter)?.get(periodKey) ?? 0;
}

/**
 * Counts a usage decided for `data.account`, line by line (one, or each item of a multi-item
 * usage), `sign` +1 or -1: in the state's own counts (the root counts every decision of its tree)
 * and in those of the account and its ancestors when it is a member, each level in its month, its
 * running total and its own quota's period for that line's meter.
 */
function counted(
  state: Account,
  data: UsageDecisionData | UsageReversed['data'],
  sign: 1 | -1,
): Pick<Account, 'usage' | 'members'> {
  const root = state.account ?? data.account;
  const usage = addCountedLines(state.usage, linesOf(data), (line) => countedAt(line, data.account, data.month, root), sign);
  return { usage, members: withMemberUsage(state, data, sign) };
}

/** Applies one stored event; never mutates `state`. */
export function evolve(state: Account, event: AccountEvent): Account {
  const wallet = evolveWallet(state, event);
  if (wallet === state) return evolveRest(state, event);
  const { credits, grants, allowance, earmarks } = wallet;
  return evolveRest({ ...state, credits, grants, allowance, earmarks }, event);
}

/** The rest of {@link evolve}: everything but the wallet. */
function evolveRest(state: Account, event: AccountEvent): Account {
  switch (event.type) {
    case 'PeriodOpened': {
      const { account, period, openedAt, carried } = event.data;
      return {
        ...state,
        account,
        period,
        next: null,
        quotas: new Map(Object.entries(carried.quotas)),
        usage: countsFrom(carried.usage),
        members: membersFrom(carried.members),
        tree: carried.tree ?? null,
        // Older streams are read only for idempotency; forget what has left the window.
        decisions: state.decisions.filter((d) => withinWindow(d.event.data.decidedAt, openedAt)),
        holds: state.holds.filter((h) => withinWindow(h.hold.decidedAt, openedAt)),
        openHolds: state.openHolds.filter((hold) => holdLive(hold, openedAt)),
        ...alertsFrom(carried.alerts),
        buckets: new Map(Object.entries(carried.buckets ?? {})),
      };
    }
    case 'PeriodClosed':
      return { ...state, next: event.data.next };
    case 'QuotaSet':
      return state.members.has(event.data.account)
        ? { ...state, members: withMemberQuota(state, event.data.account, event.data.meter, event.data.quota) }
        : { ...state, quotas: new Map(state.quotas).set(event.data.meter, event.data.quota) };
    case 'CreditsGranted':
    case 'CreditsExpired':
    case 'GrantVoided':
    case 'AllowanceSet':
    case 'AllowanceRemoved':
      return state;
    case 'UsageAccepted': {
      const { source, id } = event.data;
      const afterCount: Account = {
        ...state,
        ...counted(state, event.data, 1),
        decisions: state.decisions.set(usageKey(source, id), { event, reversal: null }),
      };
      const { buckets, members } = withTokensTaken(afterCount, event.data);
      // Most usages take no rate-limit tokens: then the state is not copied again.
      return buckets === afterCount.buckets && members === afterCount.members ? afterCount : { ...afterCount, buckets, members };
    }
    case 'UsageRejected':
      return {
        ...state,
        decisions: state.decisions.set(usageKey(event.data.source, event.data.id), { event, reversal: null }),
      };
    case 'UsageReversed': {
      const { source, id } = event.data;
      const key = usageKey(source, id);
      const original = state.decisions.get(key);
      return {
        ...state,
        ...counted(state, event.data, -1),
        decisions: original ? state.decisions.set(key, { ...original, reversal: event.data }) : state.decisions,
      };
    }
    case 'UsageHeld':
      return {
        ...state,
        ...withHold(state, usageKey(event.data.source, event.data.id), event.data),
        ...withTokensTaken(state, event.data),
      };
    case 'HoldReleased':
      return { ...state, ...withHoldEnded(state, usageKey(event.data.source, event.data.id), event.data) };
    case 'CreditAlertSet':
      return { ...state, creditsBelow: event.data.creditsBelow };
    case 'AlertRaised':
      return { ...state, ...withAlertRaisedAt(state, event.data) };
    case 'MemberAttached':
      return withAttached(state, event.data);
    case 'MemberDetached':
      return withoutMember(state, event.data.member);
    case 'AccountMoved':
      return event.data.tree !== null
        ? { ...state, tree: event.data.tree }
        : { ...state, tree: null, quotas: new Map(Object.entries(event.data.quotas)), usage: countsFrom(event.data.usage) };
    default:
      return unreachable(event);
  }
}

/**
 * What the account remembers of a (source, id) from its events, without counting them again:
 * the shell recalls the events the store's claims index holds for an id the bounded memory
 * forgot (a repeat, a reversal, a commit), so that deciding answers them as if it had never
 * forgotten. Events of other kinds change nothing.
 */
export function remember(state: Account, event: AccountEvent): Account {
  switch (event.type) {
    case 'UsageAccepted':
    case 'UsageRejected': {
      const key = usageKey(event.data.source, event.data.id);
      return {
        ...state,
        decisions: state.decisions.set(key, { event, reversal: state.decisions.get(key)?.reversal ?? null }),
      };
    }
    case 'UsageReversed': {
      const key = usageKey(event.data.source, event.data.id);
      const original = state.decisions.get(key);
      return original ? { ...state, decisions: state.decisions.set(key, { ...original, reversal: event.data }) } : state;
    }
    case 'UsageHeld': {
      const key = usageKey(event.data.source, event.data.id);
      return { ...state, holds: state.holds.set(key, { hold: event.data, ended: state.holds.get(key)?.ended ?? null }) };
    }
    case 'HoldReleased': {
      const key = usageKey(event.data.source, event.data.id);
      const record = state.holds.get(key);
      return record ? { ...state, holds: state.holds.set(key, { ...record, ended: event.data }) } : state;
    }
    default:
      return state;
  }
}

/** {@link remember}s recalled events, oldest first. */
export function recall(state: Account, events: readonly AccountEvent[]): Account {
  return events.reduce(remember, state);
}

/** Folds events onto a state. */
export function fold(events: readonly AccountEvent[], state: Account = initialState()): Account {
  return events.reduce(evolve, state);
}
