import { Map as ImmutableMap } from 'immutable';
import {
  DEFAULT_GRANT_PRIORITY,
  type AccountEvent,
  type CarriedAllowance,
  type CarriedGrant,
  type CreditRefund,
  type CreditTotals,
  type UsageReversed,
} from '@tally/events';
import { earmarksFrom, freeDraws, holdKey, withEarmark, type EarmarkJson, type Earmarks } from './earmarks';
import type { Grant } from './grants';
import { withinWindow } from './time';

/** What an account's credits are: recorded totals, the grants it holds, its allowance. */
export interface Wallet {
  credits: CreditTotals;
  /** Live grants, and ended or emptied ones for 35 days after credits last moved in them (a refund may reach them). */
  grants: ImmutableMap<string, Grant>;
  allowance: CarriedAllowance | null;
  /**
   * What open holds set aside on the grants, by hold (its usage key). Not carried into the next
   * period: the account keeps its open holds across periods, and their earmarks with them.
   */
  earmarks: Earmarks;
}

/** A wallet before any grant. */
export function emptyWallet(): Wallet {
  return {
    credits: { balance: 0, granted: 0, spent: 0, expired: 0, voided: 0 },
    grants: ImmutableMap(),
    allowance: null,
    earmarks: ImmutableMap(),
  };
}

/** A wallet from its JSON form (carried state, snapshots, the read model). */
export function walletFrom(json: {
  credits: CreditTotals;
  grants: CarriedGrant[];
  allowance: CarriedAllowance | null;
  earmarks?: EarmarkJson[];
}): Wallet {
  return {
    credits: json.credits,
    grants: ImmutableMap(json.grants.map((g) => [g.id, g])),
    allowance: json.allowance,
    earmarks: earmarksFrom(json.earmarks ?? []),
  };
}

/** A wallet's JSON form. */
export function walletJson(wallet: Wallet): {
  credits: CreditTotals;
  grants: CarriedGrant[];
  allowance: CarriedAllowance | null;
} {
  return { credits: wallet.credits, grants: [...wallet.grants.values()], allowance: wallet.allowance };
}

/**
 * Dead or emptied grants are forgotten once no credit has moved in them for 35 days: a reversal
 * (within 35 days of its usage) can only refund a grant its usage drew from before that.
 */
function pruned(grants: Wallet['grants'], at: string): Wallet['grants'] {
  // An ended grant keeping credits for open holds is not dead yet.
  const dead = (g: Grant) => g.remaining <= 0 && !withinWindow(g.touchedAt, at);
  // Looked for first (a read of one number per grant, most have credits left): filtering copies the map.
  return grants.some(dead) ? grants.filterNot(dead) : grants;
}

function moved(grants: Wallet['grants'], id: string, delta: number, at: string): Wallet['grants'] {
  const g = grants.get(id);
  return g ? grants.set(id, { ...g, remaining: g.remaining + delta, touchedAt: at }) : grants;
}

/** The refunds of a reversal; one stored before grants recorded them goes back as a grant of its own. */
export function refundsOf(data: UsageReversed['data']): CreditRefund[] {
  if (data.refunds) return data.refunds;
  return data.creditsRefunded > 0
    ? [{ grant: `refund:${data.source}:${data.id}`, amount: data.creditsRefunded, expired: false }]
    : [];
}

function refunded(wallet: Wallet, data: UsageReversed['data']): Wallet {
  let { grants } = wallet;
  let expired = 0;
  for (const refund of refundsOf(data)) {
    const g = grants.get(refund.grant);
    if (refund.expired) expired += refund.amount;
    else if (g) grants = moved(grants, refund.grant, refund.amount, data.at);
    else {
      const reason = 'refund of a usage decided before grants';
      grants = grants.set(refund.grant, {
        ...{ id: refund.grant, amount: refund.amount, remaining: refund.amount, priority: DEFAULT_GRANT_PRIORITY },
        ...{ effectiveAt: data.at, expiresAt: null, reason, grantedAt: data.at, ended: null, endedAt: null, touchedAt: data.at },
      });
    }
  }
  const c = wallet.credits;
  const credits = {
    ...c,
    balance: c.balance + data.creditsRefunded - expired,
    spent: c.spent - data.creditsRefunded,
    expired: c.expired + expired,
  };
  return { ...wallet, grants, credits };
}

/**
 * Credits leave an ended grant: at its expiry or void all that no open hold earmarked, later
 * what a hold kept of it once that hold ends (then it stays ended as it was).
 */
function ended(wallet: Wallet, id: string, amount: number, how: 'expired' | 'voided', at: string): Wallet {
  const g = wallet.grants.get(id);
  const endedAt = g?.ended ? g.endedAt : how === 'expired' ? (g?.expiresAt ?? at) : at;
  const grants = g
    ? wallet.grants.set(id, { ...g, remaining: g.remaining - amount, ended: g.ended ?? how, endedAt, touchedAt: at })
    : wallet.grants;
  const credits = { ...wallet.credits, balance: wallet.credits.balance - amount, [how]: wallet.credits[how] + amount };
  return { ...wallet, grants: pruned(grants, at), credits };
}

/** Applies an event to the wallet; events that move no credit leave it as it is. */
export function evolveWallet(wallet: Wallet, event: AccountEvent): Wallet {
  switch (event.type) {
    case 'PeriodOpened': {
      const { carried, openedAt } = event.data;
      const earmarks = wallet.earmarks.filter((e) => Date.parse(e.expiresAt) > Date.parse(openedAt));
      return { ...walletFrom(carried), grants: pruned(walletFrom(carried).grants, openedAt), earmarks };
    }
    case 'CreditsGranted': {
      const { grantId: id, amount, priority, effectiveAt, expiresAt, reason, at, allowanceFor } = event.data;
      const same = wallet.grants.get(id);
      // Only grants stored without an id can meet one of the same name: they fold into one.
      const grant: Grant = same
        ? { ...same, amount: same.amount + amount, remaining: same.remaining + amount, touchedAt: at }
        : {
            id,
            amount,
            remaining: amount,
            priority,
            effectiveAt,
            expiresAt,
            reason,
            grantedAt: at,
            ended: null,
            endedAt: null,
            touchedAt: at,
          };
      const credits = { ...wallet.credits, balance: wallet.credits.balance + amount, granted: wallet.credits.granted + amount };
      const allowance = allowanceFor && wallet.allowance ? { ...wallet.allowance, issuedFor: allowanceFor } : wallet.allowance;
      return { ...wallet, credits, grants: pruned(wallet.grants.set(id, grant), at), allowance };
    }
    case 'UsageAccepted': {
      const { creditsCharged, decidedAt } = event.data;
      if (creditsCharged === 0) return wallet;
      // Decisions stored before grants recorded their burns burn in the same order now.
      const burns = event.data.burns ?? freeDraws(wallet, creditsCharged, decidedAt);
      const grants = burns.reduce((gs, b) => moved(gs, b.grant, -b.amount, decidedAt), wallet.grants);
      const c = wallet.credits;
      return { ...wallet, grants, credits: { ...c, balance: c.balance - creditsCharged, spent: c.spent + creditsCharged } };
    }
    case 'UsageReversed':
      return refunded(wallet, event.data);
    case 'CreditsExpired':
      return ended(wallet, event.data.grantId, event.data.amount, 'expired', event.data.at);
    case 'GrantVoided':
      return ended(wallet, event.data.grantId, event.data.amount, 'voided', event.data.at);
    case 'UsageHeld':
      return { ...wallet, earmarks: withEarmark(wallet, event.data) };
    case 'HoldReleased':
      return { ...wallet, earmarks: wallet.earmarks.delete(holdKey(event.data)) };
    case 'AllowanceSet': {
      const { amount, per, priority } = event.data;
      const issuedFor = wallet.allowance?.per === per ? wallet.allowance.issuedFor : null;
      return { ...wallet, allowance: { amount, per, priority, issuedFor } };
    }
    case 'AllowanceRemoved':
      return { ...wallet, allowance: null };
    default:
      return wallet;
  }
}
