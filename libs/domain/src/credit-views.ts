import { creditsLeaving, earmarkedAt, keptBalance } from './earmarks';
import { dueAllowance, grantLive, nextExpiry, type Grant } from './grants';
import { evolveWallet, type Wallet } from './wallet';

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
  /** What is left of it in the balance: once it has expired or been voided, only what open holds keep of it. */
  remaining: number;
  /** What open holds have earmarked on it: part of `remaining`, spendable only by their commits. */
  held: number;
  priority: number;
  effectiveAt: string;
  expiresAt: string | null;
  voidedAt: string | null;
  reason: string | null;
  status: 'pending' | 'live' | 'expired' | 'voided';
}

/** The wallet as it stands at `now`: what time and ended holds took out of ended grants, even before it is recorded. */
function settledAt(wallet: Wallet, now: string): Wallet {
  return creditsLeaving(wallet, '', now).reduce(evolveWallet, wallet);
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

/** One grant at `now` (of a wallet settled at `now`), with what open holds earmarked on it. */
export function grantView(grant: Grant, now: string, held = 0): GrantView {
  const status = statusOf(grant, now);
  const { id, amount, priority, effectiveAt, expiresAt, reason } = grant;
  // An ended grant keeps only what holds earmarked (settled); one expired but not yet settled keeps that too.
  const remaining = status === 'live' || status === 'pending' ? grant.remaining : Math.min(grant.remaining, held);
  return {
    id,
    amount,
    remaining,
    held,
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
  const settled = settledAt(wallet, now);
  const held = earmarkedAt(settled.earmarks, now);
  return grantsAt(settled, now)
    .map((g) => grantView(g, now, held.get(g.id) ?? 0))
    .sort(
      (a, b) =>
        a.priority - b.priority ||
        (a.expiresAt ?? '9999').localeCompare(b.expiresAt ?? '9999') ||
        a.effectiveAt.localeCompare(b.effectiveAt) ||
        a.id.localeCompare(b.id),
    );
}

/**
 * The wallet at `now`: the recorded totals corrected by what time has done since the last
 * decision (grants become effective, expire, holds expire, an allowance's period begins), so that
 * `balance = granted - spent - expired - voided` and equals the live grants' remainders plus what
 * ended grants keep for open holds. `held` is what open holds earmarked, unless given.
 */
export function creditsView(wallet: Wallet, now: string, held?: number): CreditsView {
  const settled = settledAt(wallet, now);
  const grants = grantsAt(settled, now);
  const owed = grants.length > settled.grants.size ? grants[grants.length - 1] : null;
  let pending = 0;
  for (const g of settled.grants.values()) {
    if (g.ended === null && Date.parse(g.effectiveAt) > Date.parse(now)) pending += g.remaining;
  }
  const { credits } = settled;
  return {
    balance: keptBalance(grants, now),
    held: held ?? [...earmarkedAt(settled.earmarks, now).values()].reduce((n, c) => n + c, 0),
    granted: credits.granted - pending + (owed?.amount ?? 0),
    spent: credits.spent,
    expired: credits.expired,
    voided: credits.voided,
    nextExpiry: nextExpiry(grants, now),
    allowance: wallet.allowance
      ? { amount: wallet.allowance.amount, per: wallet.allowance.per, priority: wallet.allowance.priority }
      : null,
  };
}

/** One grant of the wallet as {@link grantViews} shows it at `now`; null when the wallet holds none by that id. */
export function grantViewOf(wallet: Wallet, grantId: string, now: string): GrantView | null {
  return grantViews(wallet, now).find((g) => g.id === grantId) ?? null;
}
