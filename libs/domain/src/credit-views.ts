import { dueAllowance, grantLive, liveBalance, nextExpiry, type Grant } from './grants';
import type { Wallet } from './wallet';

/** A wallet as GET …/credits answers it at an instant. */
export interface CreditsView {
  balance: number;
  held: number;
  granted: number;
  spent: number;
  expired: number;
  voided: number;
  nextExpiry: { at: string; amount: number } | null;
  /** The recurring grant, if one is set. */
  allowance: { amount: number; per: 'month' | 'day'; priority: number } | null;
}

/** A grant as GET …/credits/grants answers it at an instant. */
export interface GrantView {
  id: string;
  amount: number;
  /** What is left of it in the balance: 0 once it has expired or been voided. */
  remaining: number;
  priority: number;
  effectiveAt: string;
  expiresAt: string | null;
  voidedAt: string | null;
  reason: string | null;
  status: 'pending' | 'live' | 'expired' | 'voided';
}

/** The grants as they stand at `now`, the allowance's grant for the current period included even before it is recorded. */
function grantsAt(wallet: Wallet, now: string): Grant[] {
  const owed = dueAllowance(wallet, now);
  return owed ? [...wallet.grants.values(), owed] : [...wallet.grants.values()];
}

function statusOf(grant: Grant, now: string): GrantView['status'] {
  if (grant.ended === 'voided') return 'voided';
  if (grant.ended === 'expired' || (grant.expiresAt !== null && Date.parse(grant.expiresAt) <= Date.parse(now))) return 'expired';
  return grantLive(grant, now) ? 'live' : 'pending';
}

/** One grant at `now`. */
export function grantView(grant: Grant, now: string): GrantView {
  const status = statusOf(grant, now);
  const { id, amount, priority, effectiveAt, expiresAt, reason } = grant;
  const remaining = status === 'live' || status === 'pending' ? grant.remaining : 0;
  return {
    id,
    amount,
    remaining,
    priority,
    effectiveAt,
    expiresAt,
    voidedAt: grant.ended === 'voided' ? grant.endedAt : null,
    reason,
    status,
  };
}

/** The grants the wallet holds at `now`, in burn order of their terms (priority, expiry, effective). */
export function grantViews(wallet: Wallet, now: string): GrantView[] {
  return grantsAt(wallet, now)
    .map((g) => grantView(g, now))
    .sort(
      (a, b) =>
        a.priority - b.priority ||
        (a.expiresAt ?? '9999').localeCompare(b.expiresAt ?? '9999') ||
        a.effectiveAt.localeCompare(b.effectiveAt) ||
        a.id.localeCompare(b.id),
    );
}

/**
 * The wallet at `now`, with `held` credits given: the recorded totals corrected by what time has
 * done since the last decision (grants become effective, expire, an allowance's period begins),
 * so that `balance = granted - spent - expired - voided` and equals the live grants' remainders.
 */
export function creditsView(wallet: Wallet, now: string, held: number): CreditsView {
  const grants = grantsAt(wallet, now);
  const owed = grants.length > wallet.grants.size ? grants[grants.length - 1] : null;
  let pending = 0;
  let dueExpired = 0;
  for (const g of wallet.grants.values()) {
    if (g.ended !== null) continue;
    if (Date.parse(g.effectiveAt) > Date.parse(now)) pending += g.remaining;
    else if (!grantLive(g, now)) dueExpired += g.remaining;
  }
  const { credits } = wallet;
  return {
    balance: liveBalance(grants, now),
    held,
    granted: credits.granted - pending + (owed?.amount ?? 0),
    spent: credits.spent,
    expired: credits.expired + dueExpired,
    voided: credits.voided,
    nextExpiry: nextExpiry(grants, now),
    allowance: wallet.allowance
      ? { amount: wallet.allowance.amount, per: wallet.allowance.per, priority: wallet.allowance.priority }
      : null,
  };
}
