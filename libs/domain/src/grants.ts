import type { CarriedAllowance, CarriedGrant, CreditDraw, CreditTotals } from '@tally/events';

/** A grant as the account holds it: what is left of it, its terms and how (whether) it ended. */
export type Grant = CarriedGrant;

const ms = (iso: string) => Date.parse(iso);

/** Whether a grant counts in the balance at `at`: effective, neither expired nor voided. */
export function grantLive(grant: Grant, at: string): boolean {
  return grant.ended === null && ms(grant.effectiveAt) <= ms(at) && (grant.expiresAt === null || ms(grant.expiresAt) > ms(at));
}

/** Burn order: the lowest priority number, then the earliest expiry (none last), then the earliest effective; then by id. */
export function burnOrder(a: Grant, b: Grant): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const expiry = (g: Grant) => (g.expiresAt === null ? Infinity : ms(g.expiresAt));
  if (expiry(a) !== expiry(b)) return expiry(a) < expiry(b) ? -1 : 1;
  if (ms(a.effectiveAt) !== ms(b.effectiveAt)) return ms(a.effectiveAt) - ms(b.effectiveAt);
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The grants live at `at` with something left, in burn order. */
export function liveGrants(grants: Iterable<Grant>, at: string): Grant[] {
  // The instants parsed once per grant, not once per comparison.
  const keyed: Array<{ g: Grant; expiry: number; effective: number }> = [];
  for (const g of grants) {
    if (g.remaining > 0 && grantLive(g, at))
      keyed.push({ g, expiry: g.expiresAt === null ? Infinity : ms(g.expiresAt), effective: ms(g.effectiveAt) });
  }
  keyed.sort(
    (a, b) =>
      a.g.priority - b.g.priority ||
      (a.expiry !== b.expiry ? (a.expiry < b.expiry ? -1 : 1) : 0) ||
      a.effective - b.effective ||
      (a.g.id < b.g.id ? -1 : a.g.id > b.g.id ? 1 : 0),
  );
  return keyed.map((k) => k.g);
}

/** The balance at `at`: what is left of every live grant. */
export function liveBalance(grants: Iterable<Grant>, at: string): number {
  let sum = 0;
  for (const g of grants) if (grantLive(g, at)) sum += g.remaining;
  return sum;
}

/** Where `amount` credits are taken from at `at`, in burn order; less than `amount` when the live grants hold less. */
export function drawsFor(grants: Iterable<Grant>, amount: number, at: string): CreditDraw[] {
  const draws: CreditDraw[] = [];
  let left = amount;
  for (const g of liveGrants(grants, at)) {
    if (left === 0) break;
    const take = Math.min(g.remaining, left);
    draws.push({ grant: g.id, amount: take });
    left -= take;
  }
  return draws;
}

/** Grants whose expiry has come by `now` with something left that has not been recorded as expired, earliest first. */
export function dueExpiries(grants: Iterable<Grant>, now: string): Grant[] {
  return [...grants]
    .filter((g) => g.ended === null && g.remaining > 0 && g.expiresAt !== null && ms(g.expiresAt) <= ms(now))
    .sort((a, b) => ms(a.expiresAt as string) - ms(b.expiresAt as string) || burnOrder(a, b));
}

/** The first instant at which live credits expire after `now`, and how many; null when none will. */
export function nextExpiry(grants: Iterable<Grant>, now: string): { at: string; amount: number } | null {
  let next: { at: string; amount: number } | null = null;
  for (const g of liveGrants(grants, now)) {
    if (g.expiresAt === null) continue;
    if (next === null || ms(g.expiresAt) < ms(next.at)) next = { at: g.expiresAt, amount: g.remaining };
    else if (ms(g.expiresAt) === ms(next.at)) next = { at: next.at, amount: next.amount + g.remaining };
  }
  return next;
}

/** The key of the allowance period `now` lies in: 'YYYY-MM' (UTC month) or 'YYYY-MM-DD' (UTC day). */
export function allowancePeriod(per: CarriedAllowance['per'], now: string): { key: string; start: string; end: string } {
  const d = new Date(now);
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
  const [start, end] =
    per === 'month' ? [Date.UTC(y, m, 1), Date.UTC(y, m + 1, 1)] : [Date.UTC(y, m, day), Date.UTC(y, m, day + 1)];
  const startIso = new Date(start).toISOString();
  return {
    key: per === 'month' ? startIso.slice(0, 7) : startIso.slice(0, 10),
    start: startIso,
    end: new Date(end).toISOString(),
  };
}

/** The id of the grant an allowance issues for a period. */
export function allowanceGrantId(periodKey: string): string {
  return `allowance:${periodKey}`;
}

/**
 * The grant an allowance owes at `now` and has not issued yet (null when none): `amount` from the
 * start of the period (from `now` for the first, issued when the allowance is set), until its end.
 */
export function dueAllowance(
  wallet: { allowance: CarriedAllowance | null; grants: { has(id: string): boolean }; credits: CreditTotals },
  now: string,
  first = false,
): Grant | null {
  const owed = owedAllowance(wallet, now, first);
  // One that would take the balance or the lifetime total past the exact range is not issued (never a wrong number).
  return owed && fitsExactly(wallet.credits, owed.amount) ? owed : null;
}

/** Whether `amount` more credits keep the balance and the lifetime granted total exact integers. */
export function fitsExactly(credits: CreditTotals, amount: number): boolean {
  return Number.isSafeInteger(credits.balance + amount) && Number.isSafeInteger(credits.granted + amount);
}

/** The allowance grant owed at `now`, whether or not it fits the exact range. */
export function owedAllowance(
  { allowance, grants }: { allowance: CarriedAllowance | null; grants: { has(id: string): boolean } },
  now: string,
  first = false,
): Grant | null {
  if (!allowance) return null;
  const period = allowancePeriod(allowance.per, now);
  // Issued already: recorded as such, or (removed and set again within the period) its grant is held.
  if (allowance.issuedFor === period.key || grants.has(allowanceGrantId(period.key))) return null;
  const effectiveAt = first ? now : period.start;
  return {
    ...{ id: allowanceGrantId(period.key), amount: allowance.amount, remaining: allowance.amount, priority: allowance.priority },
    ...{ effectiveAt, expiresAt: period.end, reason: `allowance ${period.key}`, grantedAt: now },
    ...{ ended: null, endedAt: null, touchedAt: now },
  };
}
