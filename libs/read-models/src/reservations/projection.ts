import { projection } from '../projection';

/**
 * A hold as the read side keeps it. Rows stay after the hold ends (`ended`), so that a repeated
 * commit or release still finds its account; expiry needs no event: readers compare
 * `expiresAt` with the instant they answer for.
 */
export interface ReservationDoc {
  meter: string;
  /** UTC month of the hold's event time: the period whose quota it counts against, unless `period` names another. */
  month: string;
  /** The quota period the hold counts against when it is not the calendar month (an interval 'start/end'). */
  period?: string;
  quantity: number;
  creditsHeld: number;
  decidedAt: string;
  expiresAt: string;
  ended: 'committed' | 'released' | null;
}

/** Every hold, keyed by account and (source, id). */
export const reservations = projection<ReservationDoc>({
  name: 'reservations_v1',
  keys: ['account', 'source', 'id'],
  indexes: (table) => [`create index if not exists ${table}_source_id on ${table} (source, id)`],
  keysOf: (e) => (e.type === 'UsageHeld' || e.type === 'HoldReleased' ? [[e.data.account, e.data.source, e.data.id]] : []),
  evolve: (doc, e) => {
    if (e.type === 'UsageHeld') {
      const { meter, month, period, quantity, creditsHeld, decidedAt, expiresAt } = e.data;
      return {
        meter,
        month,
        ...(period === undefined ? {} : { period }),
        quantity,
        creditsHeld,
        decidedAt,
        expiresAt,
        ended: null,
      };
    }
    if (e.type === 'HoldReleased' && doc) return { ...doc, ended: e.data.committed === null ? 'released' : 'committed' };
    return doc;
  },
});
