import type { CreditTotals } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import { tableOf } from '../projection';
import { readHeld } from '../reservations/query';
import { credits } from './projection';

/** A wallet as GET …/credits answers: `held` credits are still in the balance, but not spendable until released. */
export type Wallet = { balance: number; held: number; granted: number; spent: number };

/** The account's wallet at `now`, or null for an account that has none (it never opened). */
export async function readCredits(db: SqlQueryable, account: string, now: string): Promise<Wallet | null> {
  const { rows } = await db.query<{ doc: CreditTotals }>(`select doc from ${tableOf(credits)} where account = $1`, [account]);
  if (!rows[0]) return null;
  const { balance, granted, spent } = rows[0].doc;
  return { balance, held: (await readHeld(db, account, now)).credits, granted, spent };
}
