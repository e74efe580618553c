import { creditsView } from '@tally/domain';
import type { SqlQueryable } from '@tally/eventstore';
import { credits, walletOfDoc, type WalletDoc } from '../credits/projection';
import { decisions } from '../decisions/projection';
import { tableOf } from '../projection';
import { quotas } from '../quotas/projection';

/** One account as GET /v1/accounts lists it. */
export interface AccountSummary {
  account: string;
  /** The account's own quotas (meter default quotas are not counted). */
  quotas: number;
  balance: number;
  /** When its latest decision was taken, or null if it has none yet. */
  lastDecisionAt: string | null;
}

/**
 * Accounts in id order (code points, the same on every store) after the cursor `after` (exclusive). Every account has a wallet row from
 * its first period on, so the credits projection is the list of accounts; the other columns are
 * looked up per listed account through the tables' primary keys and the (account, seq) index.
 * `balance` is the credits view's at `now` (GET …/credits): pending grants join it at their
 * `effectiveAt`, expired ones leave it at their `expiresAt`, before any event records it.
 */
export async function readAccounts(
  db: SqlQueryable,
  after: string | null,
  limit: number,
  now: string,
): Promise<AccountSummary[]> {
  const { rows } = await db.query<{ account: string; quotas: string | number; doc: WalletDoc; last: string | null }>(
    `select c.account,
            (select count(*) from ${tableOf(quotas)} q where q.account = c.account) as quotas,
            c.doc,
            (select d.decided_at from ${tableOf(decisions)} d where d.account = c.account
              order by d.seq_hi desc, d.seq_lo desc limit 1) as last
       from ${tableOf(credits)} c
      where ($1::text is null or c.account collate "C" > $1)
      order by c.account collate "C"
      limit $2`,
    [after, limit],
  );
  return rows.map((r) => ({
    account: r.account,
    quotas: Number(r.quotas),
    balance: creditsView(walletOfDoc(r.doc), now, 0).balance,
    lastDecisionAt: r.last,
  }));
}
