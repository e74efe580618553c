import { TOTAL } from '@tally/domain';
import type { SqlQueryable } from '@tally/eventstore';
import { tableOf } from '../projection';
import { reservations } from './projection';

/** What an account holds at `now`: units per meter and month, and credits. Expired holds count nothing. */
export interface Held {
  /** Units held at `now` for a meter under a period key ('YYYY-MM', an interval 'start/end', or 'total' for every hold). */
  units(meter: string, periodKey: string): number;
  credits: number;
}

/** The account's live holds at `now` (neither ended nor past `expiresAt`). */
export async function readHeld(db: SqlQueryable, account: string, now: string): Promise<Held> {
  const { rows } = await db.query<{ meter: string; month: string; quantity: string; credits: string }>(
    `select doc->>'meter' as meter, coalesce(doc->>'period', doc->>'month') as month, sum((doc->>'quantity')::numeric)::text as quantity,
            sum((doc->>'creditsHeld')::numeric)::text as credits
       from ${tableOf(reservations)}
      where account = $1 and doc->>'ended' is null and (doc->>'expiresAt')::timestamptz > $2::timestamptz
      group by 1, 2`,
    [account, now],
  );
  return {
    units: (meter, periodKey) =>
      rows
        .filter((r) => r.meter === meter && (periodKey === TOTAL || r.month === periodKey))
        .reduce((n, r) => n + Number(r.quantity), 0),
    credits: rows.reduce((n, r) => n + Number(r.credits), 0),
  };
}

/** Where a hold with some source and id was decided: its account and meter. */
export interface HoldPlace {
  account: string;
  meter: string;
}

/** Which accounts hold (or held) a reservation with this source and id (normally one), the latest hold first. */
export async function readAccountsOfHold(db: SqlQueryable, source: string, id: string): Promise<HoldPlace[]> {
  const { rows } = await db.query<HoldPlace>(
    `select account, doc->>'meter' as meter from ${tableOf(reservations)} where source = $1 and id = $2 order by doc->>'decidedAt' desc`,
    [source, id],
  );
  return rows.map(({ account, meter }) => ({ account, meter }));
}
