import type { DecisionMessage } from '@tally/messages';
import { toDecisionMessage } from '@tally/messages';
import { projection } from '../projection';

/** The audit log: every decision, newest first by `seq`, marked when reversed. */
export interface DecisionDoc extends DecisionMessage {
  seq: string;
  /** The API key id (or "kafka") that reported the usage; null for rows written before it was recorded. */
  reportedBy: string | null;
  reversedAt: string | null;
  reversalReason: string | null;
  /** For a reservation: what was held until when, and how it ended so far; null for a plain usage. */
  reservation?: ReservationNote | null;
}

/** A hold in the audit log. `held` past `expiresAt` means it expired (expiry records no event). */
export interface ReservationNote {
  held: number;
  expiresAt: string;
  status: 'held' | 'committed' | 'released';
}

/** The decision log, keyed by account and (source, id). */
export const decisions = projection<DecisionDoc>({
  // v2: holds are in the log (v1 listed a reservation only once committed).
  name: 'decisions_v2',
  keys: ['account', 'source', 'id'],
  indexes: (table) => [
    `create index if not exists ${table}_source_id on ${table} (source, id)`,
    `create index if not exists ${table}_account_seq on ${table} (account, (doc->>'seq') desc)`,
  ],
  keysOf: (e) =>
    e.type === 'UsageAccepted' ||
    e.type === 'UsageRejected' ||
    e.type === 'UsageReversed' ||
    e.type === 'UsageHeld' ||
    e.type === 'HoldReleased'
      ? [[e.data.account, e.data.source, e.data.id]]
      : [],
  evolve: (doc, e, _key, context) => {
    if (e.type === 'UsageAccepted' || e.type === 'UsageRejected' || e.type === 'UsageHeld') {
      const held =
        e.type === 'UsageHeld' ? { held: e.data.quantity, expiresAt: e.data.expiresAt, status: 'held' as const } : null;
      // The message is built for this doc alone: its fields are added to it, not copied into another.
      const next = toDecisionMessage(e) as DecisionDoc;
      next.seq = sortable(context.position);
      next.reportedBy = e.data.reportedBy;
      next.reversedAt = null;
      next.reversalReason = null;
      // A commit's accepted usage takes the hold's entry over (same source + id), keeping the note.
      next.reservation = held ?? (e.type === 'UsageAccepted' ? (doc?.reservation ?? null) : null);
      return next;
    }
    if (e.type === 'HoldReleased' && doc?.reservation) {
      return { ...doc, reservation: { ...doc.reservation, status: e.data.committed === null ? 'released' : 'committed' } };
    }
    if (e.type === 'UsageReversed' && doc) return { ...doc, reversedAt: e.data.at, reversalReason: e.data.reason };
    return doc;
  },
});

// Positions are opaque but made of numbers in global order; zero-padded they sort as text.
function sortable(position: string): string {
  return position.replace(/\d+/g, (n) => n.padStart(20, '0'));
}
