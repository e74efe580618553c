import { periodOf, type UsageItem } from '@tally/events';
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
  /**
   * A multi-item hold's units per meter, each with the period it counts against when not the
   * calendar month (`meter`, `quantity`, `period` are then the first item's); absent for a single hold.
   */
  items?: Array<UsageItem & { period?: string }>;
}

/** Every hold, keyed by account and (source, id). */
export const reservations = projection<ReservationDoc>({
  name: 'reservations_v1',
  keys: ['account', 'source', 'id'],
  indexes: (table) => [`create index if not exists ${table}_source_id on ${table} (source, id)`],
  keysOf: (e) => (e.type === 'UsageHeld' || e.type === 'HoldReleased' ? [[e.data.account, e.data.source, e.data.id]] : []),
  evolve: (doc, e) => {
    if (e.type === 'UsageHeld') {
      const { meter, month, period, quantity, creditsHeld, decidedAt, expiresAt, items } = e.data;
      // A multi-item hold keeps each line's meter, units and the period it counts against.
      const lines = items ? { items: items.map((l) => ({ meter: l.meter, quantity: l.quantity, ...periodOf(l) })) } : {};
      return {
        ...{ meter, month, ...periodOf({ period }), quantity },
        ...{ creditsHeld, decidedAt, expiresAt, ended: null, ...lines },
      };
    }
    if (e.type === 'HoldReleased' && doc) return { ...doc, ended: e.data.committed === null ? 'released' : 'committed' };
    return doc;
  },
});
