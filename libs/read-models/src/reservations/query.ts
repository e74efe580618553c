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
  const live = `account = $1 and doc->>'ended' is null and (doc->>'expiresAt')::timestamptz > $2::timestamptz`;
  // A multi-item hold holds units of each of its items' meters: one line per item, else its own
  // meter; each line under the period it counts against (its named period, else the hold's month).
  const units = await db.query<{ meter: string; month: string; quantity: string }>(
    `select line->>'meter' as meter, coalesce(line->>'period', doc->>'month') as month,
            sum((line->>'quantity')::numeric)::text as quantity
       from ${tableOf(reservations)} cross join lateral jsonb_array_elements(coalesce(doc->'items',
            jsonb_build_array(jsonb_build_object('meter', doc->'meter', 'quantity', doc->'quantity', 'period', doc->'period')))) as line
      where ${live}
      group by 1, 2`,
    [account, now],
  );
  const credits = await db.query<{ credits: string | null }>(
    `select sum((doc->>'creditsHeld')::numeric)::text as credits from ${tableOf(reservations)} where ${live}`,
    [account, now],
  );
  return {
    units: (meter, periodKey) =>
      units.rows
        .filter((r) => r.meter === meter && (periodKey === TOTAL || r.month === periodKey))
        .reduce((n, r) => n + Number(r.quantity), 0),
    credits: Number(credits.rows[0]?.credits ?? 0),
  };
}

/** Where a hold with some source and id was decided: its account and meter (each item's meter, for a multi-item hold). */
export interface HoldPlace {
  account: string;
  meter: string;
  meters: string[];
}

/** Which accounts hold (or held) a reservation with this source and id (normally one), the latest hold first. */
export async function readAccountsOfHold(db: SqlQueryable, source: string, id: string): Promise<HoldPlace[]> {
  const { rows } = await db.query<{ account: string; meter: string; items: Array<{ meter: string }> | null }>(
    `select account, doc->>'meter' as meter, doc->'items' as items from ${tableOf(reservations)}
      where source = $1 and id = $2 order by doc->>'decidedAt' desc`,
    [source, id],
  );
  return rows.map(({ account, meter, items }) => ({ account, meter, meters: items ? items.map((i) => i.meter) : [meter] }));
}
