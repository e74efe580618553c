import { Map as ImmutableMap } from 'immutable';
import type { CreditDraw, CreditsExpired, GrantVoided, UsageHeld } from '@tally/events';
import { usageKey } from './account-state';
import { drawsFor, grantLive, type Grant } from './grants';

/** What an open hold sets aside: credits on each grant it would burn, until it ends or `expiresAt`. */
export interface Earmark {
  expiresAt: string;
  draws: CreditDraw[];
}

/** The earmarks of open holds, by the hold's usage key; those past `expiresAt` count nothing. */
export type Earmarks = ImmutableMap<string, Earmark>;

/** An earmark in JSON (read models, snapshots): named by the hold's source and id, never by a key holding NUL. */
export type EarmarkJson = Earmark & { source: string; id: string };

/** Earmarks as JSON. */
export function earmarksJson(earmarks: Earmarks): EarmarkJson[] {
  return [...earmarks].map(([key, e]) => {
    const [source, id] = key.split('\u0000');
    return { source, id, ...e };
  });
}

/** Earmarks from their JSON form. */
export function earmarksFrom(json: readonly EarmarkJson[]): Earmarks {
  return ImmutableMap(json.map(({ source, id, expiresAt, draws }) => [usageKey(source, id), { expiresAt, draws }]));
}

/** What earmarking needs of a wallet. */
export interface Earmarked {
  grants: ImmutableMap<string, Grant>;
  earmarks: Earmarks;
}

const ms = (iso: string) => Date.parse(iso);
const sum = (draws: readonly { amount: number }[]) => draws.reduce((n, d) => n + d.amount, 0);

/** Credits earmarked on each grant at `now` by holds that are still open. */
export function earmarkedAt(earmarks: Earmarks, now: string): Map<string, number> {
  const on = new Map<string, number>();
  for (const e of earmarks.values()) {
    if (ms(e.expiresAt) <= ms(now)) continue;
    for (const d of e.draws) on.set(d.grant, (on.get(d.grant) ?? 0) + d.amount);
  }
  return on;
}

/** The live grants at `at` with what is free of them (their remainder less their earmarks). */
function freeGrants({ grants, earmarks }: Earmarked, at: string): Grant[] {
  const on = earmarkedAt(earmarks, at);
  return [...grants.values()]
    .filter((g) => grantLive(g, at))
    .map((g) => ({ ...g, remaining: g.remaining - (on.get(g.id) ?? 0) }));
}

/** Credits a usage or a hold may take at `at`: what is free of the live grants. */
export function freeCredits(wallet: Earmarked, at: string): number {
  return freeGrants(wallet, at).reduce((n, g) => n + Math.max(g.remaining, 0), 0);
}

/** Where `amount` free credits are taken from at `at`, in burn order; less when less is free. */
export function freeDraws(wallet: Earmarked, amount: number, at: string): CreditDraw[] {
  return drawsFor(freeGrants(wallet, at), amount, at);
}

/**
 * The balance of a settled wallet at `now`: what is left of the live grants, and what ended
 * grants still keep for the open holds that earmarked them (they leave when those holds end).
 */
export function keptBalance(grants: Iterable<Grant>, now: string): number {
  let n = 0;
  // Settled, a grant past its expiry keeps only what open holds earmarked on it.
  for (const g of grants) if (g.ended !== null || ms(g.effectiveAt) <= ms(now)) n += g.remaining;
  return n;
}

type Move = Pick<CreditsExpired['data'], 'at' | 'amount'>;

/** When the credits of an ended (or due) grant leave the balance, beyond what open holds keep of it at `now`. */
function leaving(grant: Grant, earmarks: Earmarks, now: string, freedNow: boolean): Move[] {
  const end = grant.ended !== null ? grant.endedAt : grant.expiresAt;
  if (grant.remaining === 0 || end === null || (grant.ended === null && ms(end) > ms(now))) return [];
  const kept = [...earmarks.values()]
    .map((e) => ({ at: e.expiresAt, amount: sum(e.draws.filter((d) => d.grant === grant.id)) }))
    .filter((e) => e.amount > 0 && ms(e.at) > ms(end));
  const keptBy = (instant: string) => sum(kept.filter((e) => ms(e.at) > ms(instant)));
  const moves: Move[] = [];
  let left = grant.remaining;
  // The expiry takes what no hold open at that instant kept.
  if (grant.ended === null) moves.push({ at: end, amount: left - keptBy(end) });
  if (grant.ended === null) left = keptBy(end);
  let due = left - keptBy(now);
  if (!freedNow) {
    // Since the last decision, holds freed what they kept as they expired: those are the latest
    // to expire by now (the earlier ones were recorded by that decision).
    const freed: Move[] = [];
    for (const e of kept.filter((k) => ms(k.at) <= ms(now)).sort((a, b) => ms(b.at) - ms(a.at))) {
      const amount = Math.min(e.amount, due);
      if (amount > 0) freed.unshift({ at: e.at, amount });
      due -= amount;
    }
    moves.push(...freed);
  }
  // What a commit or a release in this decision freed leaves now.
  if (due > 0) moves.push({ at: now, amount: due });
  return moves.filter((m) => m.amount > 0);
}

/**
 * What time and ended holds have taken out of ended grants by `now`, as events dated when it
 * happened: a grant's expiry takes what no open hold earmarked; what a hold kept of an expired or
 * voided grant leaves when the hold expires, or (`freedNow`, after a commit or release) now.
 */
export function creditsLeaving(
  wallet: Earmarked,
  account: string,
  now: string,
  freedNow = false,
): Array<CreditsExpired | GrantVoided> {
  // Only grants with credits left that have ended or are past their expiry lose any (most are live).
  if (wallet.grants.size === 0) return [];
  const at = ms(now);
  const ending: Array<{ g: Grant; end: number }> = [];
  for (const g of wallet.grants.values()) {
    if (g.remaining === 0 || (g.ended === null && (g.expiresAt === null || ms(g.expiresAt) > at))) continue;
    ending.push({ g, end: ms(g.endedAt ?? g.expiresAt ?? now) });
  }
  ending.sort((a, b) => a.end - b.end || (a.g.id < b.g.id ? -1 : a.g.id > b.g.id ? 1 : 0));
  const events = ending.flatMap(({ g }) =>
    leaving(g, wallet.earmarks, now, freedNow).map(({ at, amount }): CreditsExpired | GrantVoided =>
      g.ended === 'voided'
        ? { type: 'GrantVoided', data: { account, grantId: g.id, amount, reason: 'held credits freed after the void', at } }
        : { type: 'CreditsExpired', data: { account, grantId: g.id, amount, at } },
    ),
  );
  // Dated in time order, as they happened.
  return events.sort((a, b) => ms(a.data.at) - ms(b.data.at));
}

/** The key of a hold's earmark: its usage key. */
export function holdKey({ source, id }: Pick<UsageHeld['data'], 'source' | 'id'>): string {
  return usageKey(source, id);
}

/**
 * The earmarks once a hold is accepted: its own, as recorded (or, for a hold stored before holds
 * earmarked grants, in burn order at its decision), and those of holds that expired before it
 * dropped (the decision that accepted it recorded what they freed).
 */
export function withEarmark(wallet: Earmarked, hold: UsageHeld['data']): Earmarks {
  const open = wallet.earmarks.filter((e) => ms(e.expiresAt) > ms(hold.decidedAt));
  if (hold.creditsHeld === 0) return open;
  const draws = hold.earmarks ?? freeDraws({ ...wallet, earmarks: open }, hold.creditsHeld, hold.decidedAt);
  return open.set(holdKey(hold), { expiresAt: hold.expiresAt, draws });
}

/**
 * What a commit of `cost` credits burns: from its hold's earmarks in their order (kept even if
 * the grant has ended since), and (for a hold stored before holds earmarked grants) what its
 * earmarks lack from the free credits in burn order; never more than there is.
 */
export function commitDraws(
  wallet: Earmarked,
  hold: Pick<UsageHeld['data'], 'source' | 'id'>,
  cost: number,
  now: string,
): CreditDraw[] {
  const key = holdKey(hold);
  const draws = new Map<string, number>();
  let left = cost;
  const take = (d: CreditDraw) => {
    const amount = Math.min(d.amount, left);
    if (amount > 0) draws.set(d.grant, (draws.get(d.grant) ?? 0) + amount);
    left -= amount;
  };
  (wallet.earmarks.get(key)?.draws ?? []).forEach(take);
  if (left > 0) freeDraws({ ...wallet, earmarks: wallet.earmarks.delete(key) }, left, now).forEach(take);
  return [...draws].map(([grant, amount]) => ({ grant, amount }));
}
