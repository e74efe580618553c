import { DEFAULT_GRANT_PRIORITY, type AccountEvent, type CreditRefund, type CreditsGranted } from '@tally/events';
import { decisionFor, evolve, type Account } from './account-state';
import type { GrantCredits, RemoveAllowance, SetAllowance, VoidGrant } from './commands';
import { DomainError } from './errors';
import { creditsLeaving, earmarkedAt, freeCredits, freeDraws } from './earmarks';
import { dueAllowance, fitsExactly, grantLive, owedAllowance, type Grant } from './grants';
import { evolveWallet, type Wallet } from './wallet';

/** Credits a usage may still take at `now`: the live grants' remainders less what open holds earmarked on them. */
export function spendableCredits(state: Account, now: string): number {
  return freeCredits(state, now);
}

function granted(account: string, grant: Grant, balance: number, allowanceFor?: string): CreditsGranted {
  const { id: grantId, amount, priority, effectiveAt, expiresAt, reason, grantedAt: at } = grant;
  return {
    type: 'CreditsGranted',
    data: {
      account,
      grantId,
      amount,
      priority,
      effectiveAt,
      expiresAt,
      reason,
      ...(allowanceFor ? { allowanceFor } : {}),
      balance,
      at,
    },
  };
}

/**
 * What time alone has done to the wallet by `now`, recorded before any decision on it: the
 * remainders of grants whose `expiresAt` has passed leave the balance (at that instant), but for
 * what open holds earmarked on them, which leaves as each hold expires; and an allowance entering
 * a new period issues its grant. Readers derive the same before it is recorded.
 */
export function settleCredits(state: Account, now: string): AccountEvent[] {
  const account = state.account as string;
  const events: AccountEvent[] = creditsLeaving(state, account, now);
  const after = events.reduce(evolve, state);
  const owed = dueAllowance(after, now);
  if (owed) events.push(granted(account, owed, after.credits.balance + owed.amount, owed.id.slice('allowance:'.length)));
  return events;
}

/** A grant, once per id while the account holds it. */
export function grantCredits(command: GrantCredits, state: Account): AccountEvent[] {
  const { account, amount, reason, now } = command;
  const grantId = command.grantId ?? `grant:${now}:${state.credits.granted}`;
  if (state.grants.has(grantId)) return [];
  const effectiveAt = command.effectiveAt ?? now;
  const expiresAt = command.expiresAt ?? null;
  const priority = command.priority ?? DEFAULT_GRANT_PRIORITY;
  if (!Number.isSafeInteger(amount) || amount < 1)
    throw new DomainError('INVALID_GRANT', 'amount must be a whole number of credits ≥ 1');
  if (!Number.isInteger(priority) || priority < 1 || priority > 100)
    throw new DomainError('INVALID_GRANT', 'priority must be 1 to 100');
  if (expiresAt !== null && Date.parse(expiresAt) <= Date.parse(effectiveAt)) {
    throw new DomainError('INVALID_GRANT', 'expiresAt must be after effectiveAt');
  }
  const balance = state.credits.balance + amount;
  if (!fitsExactly(state.credits, amount)) {
    throw new DomainError('CREDITS_OVERFLOW', 'the balance would leave the exact integer range');
  }
  const grant: Grant = {
    ...{ id: grantId, amount, remaining: amount, priority, effectiveAt, expiresAt, reason },
    ...{ grantedAt: now, ended: null, endedAt: null, touchedAt: now },
  };
  return [granted(account, grant, balance)];
}

/** Void a grant the account holds: what is left of it leaves the balance now. */
export function voidGrant({ account, grantId, reason, now }: VoidGrant, state: Account): AccountEvent[] {
  const grant = state.grants.get(grantId);
  if (!grant) throw new DomainError('GRANT_NOT_FOUND', `account ${account} holds no grant ${grantId}`);
  if (grant.ended === 'voided') throw new DomainError('GRANT_VOIDED', `grant ${grantId} was voided at ${grant.endedAt}`);
  if (grant.ended === 'expired' || (grant.expiresAt !== null && Date.parse(grant.expiresAt) <= Date.parse(now))) {
    throw new DomainError('GRANT_EXPIRED', `grant ${grantId} expired at ${grant.expiresAt}`);
  }
  // What open holds earmarked on it stays for them, and leaves as each of them ends.
  const amount = grant.remaining - (earmarkedAt(state.earmarks, now).get(grantId) ?? 0);
  return [{ type: 'GrantVoided', data: { account, grantId, amount, reason, at: now } }];
}

/** Set the allowance; the current period gets its grant at once (from now) unless it has one. */
export function setAllowance({ account, amount, per, priority, now }: SetAllowance, state: Account): AccountEvent[] {
  if (!Number.isSafeInteger(amount) || amount < 1)
    throw new DomainError('INVALID_GRANT', 'amount must be a whole number of credits ≥ 1');
  const set: AccountEvent = { type: 'AllowanceSet', data: { account, amount, per, priority, at: now } };
  const after = evolve(state, set);
  if (!fitsExactly(after.credits, owedAllowance(after, now, true)?.amount ?? 0)) {
    const why = 'issuing it now would take the balance or the granted total out of the exact integer range';
    throw new DomainError('CREDITS_OVERFLOW', why, 'amount');
  }
  const owed = dueAllowance(after, now, true);
  return owed ? [set, granted(account, owed, after.credits.balance + owed.amount, owed.id.slice('allowance:'.length))] : [set];
}

/** Stop the allowance; nothing when there is none. */
export function removeAllowance({ account, now }: RemoveAllowance, state: Account): AccountEvent[] {
  return state.allowance ? [{ type: 'AllowanceRemoved', data: { account, at: now } }] : [];
}

/**
 * Records where credits moved, on the events a decision made: an accepted usage burns its credits
 * from the free credits of the grants in burn order (a commit names its burns: its hold's
 * earmarks), a hold earmarks its credits the same way, and a reversal refunds each grant its usage
 * drew from (a grant that has ended takes its refund with it: it expires at once). When a hold
 * ended, what it kept of grants that have ended leaves the balance now.
 */
export function attributeCredits(events: AccountEvent[], state: Account, now: string): AccountEvent[] {
  // Only the wallet moves between a command's events (the usage a reversal names was decided before).
  let wallet: Wallet = state;
  const attributed = events.map((event) => {
    let attributed = event;
    if (event.type === 'UsageAccepted' && event.data.creditsCharged > 0 && !event.data.burns) {
      const burns = freeDraws(wallet, event.data.creditsCharged, event.data.decidedAt);
      const creditsCharged = burns.reduce((sum, b) => sum + b.amount, 0);
      attributed = { ...event, data: { ...event.data, creditsCharged, burns } };
    } else if (event.type === 'UsageHeld' && event.data.creditsHeld > 0) {
      const earmarks = freeDraws(wallet, event.data.creditsHeld, event.data.decidedAt);
      attributed = { ...event, data: { ...event.data, earmarks } };
    } else if (event.type === 'UsageReversed' && event.data.creditsRefunded > 0) {
      const original = decisionFor(state, event.data.source, event.data.id)?.event;
      const burns = original?.type === 'UsageAccepted' ? original.data.burns : undefined;
      if (burns) {
        const refunds: CreditRefund[] = burns.map((b) => {
          const grant = wallet.grants.get(b.grant);
          return { ...b, expired: !grant || !grantLive(grant, now) };
        });
        attributed = { ...event, data: { ...event.data, refunds } };
      }
    }
    wallet = evolveWallet(wallet, attributed);
    return attributed;
  });
  if (!events.some((e) => e.type === 'HoldReleased')) return attributed;
  return [...attributed, ...creditsLeaving(wallet, state.account as string, now, true)];
}
