import type { CreditTotals } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import { tableOf } from '../projection';
import { credits } from './projection';

/** The account's wallet, or null for an account that has none (it never opened). */
export async function readCredits(db: SqlQueryable, account: string): Promise<CreditTotals | null> {
  const { rows } = await db.query<{ doc: CreditTotals }>(`select doc from ${tableOf(credits)} where account = $1`, [account]);
  if (!rows[0]) return null;
  const { balance, granted, spent } = rows[0].doc;
  return { balance, granted, spent };
}
