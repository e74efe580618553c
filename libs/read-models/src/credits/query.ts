import { creditsView, grantViews, type CreditsView, type GrantView, type Wallet as DomainWallet } from '@tally/domain';
import type { SqlQueryable } from '@tally/eventstore';
import { tableOf } from '../projection';
import { credits, walletOfDoc, type WalletDoc } from './projection';

/** A wallet as GET …/credits answers: `held` credits are still in the balance, but not spendable until released. */
export type Wallet = CreditsView;

async function walletOf(db: SqlQueryable, account: string): Promise<DomainWallet | null> {
  const { rows } = await db.query<{ doc: WalletDoc }>(`select doc from ${tableOf(credits)} where account = $1`, [account]);
  return rows[0] ? walletOfDoc(rows[0].doc) : null;
}

/** The account's wallet at `now`, or null for an account that has none (it never opened). */
export async function readCredits(db: SqlQueryable, account: string, now: string): Promise<Wallet | null> {
  const wallet = await walletOf(db, account);
  if (!wallet) return null;
  // `held`: what open holds earmarked on its grants (a tree's root's grants hold its members' too).
  return creditsView(wallet, now);
}

/** The grants the account holds at `now` (live, pending, and those ended in the last 35 days); null for an unknown account. */
export async function readGrants(db: SqlQueryable, account: string, now: string): Promise<GrantView[] | null> {
  const wallet = await walletOf(db, account);
  return wallet ? grantViews(wallet, now) : null;
}
