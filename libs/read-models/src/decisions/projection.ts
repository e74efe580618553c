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

/** A decision as its table keeps it: the document without its key, position and empty notes. */
export type StoredDecision = Omit<
  DecisionDoc,
  'id' | 'source' | 'account' | 'seq' | 'reversedAt' | 'reversalReason' | 'reservation'
> &
  Partial<Pick<DecisionDoc, 'reversedAt' | 'reversalReason' | 'reservation'>>;

/**
 * The decision log, keyed by (source, id) and account: the key's first columns answer the lookup
 * by source and id, and the position is two bigint columns, `seq_hi` and `seq_lo` (the store's
 * two numbers), that the newest-first index reads.
 */
export const decisions = projection<DecisionDoc>({
  // v3: the position in two bigint columns and the key in (source, id, account) order, one index
  // fewer, the document without its key, position and nulls (v2: a 41-character text in the
  // document, indexed by expression); v2: holds are in the log (v1 listed a reservation only once committed).
  name: 'decisions_v3',
  keys: ['source', 'id', 'account'],
  // A row per decision, touched again only by its reversal or its hold's end: not kept between batches.
  cached: false,
  indexes: (table) => [`create index if not exists ${table}_account_seq on ${table} (account, seq_hi desc, seq_lo desc)`],
  row: {
    columns: [
      { name: 'seq_hi', type: 'bigint' },
      { name: 'seq_lo', type: 'bigint' },
    ],
    toRow: (doc) => {
      // The key is in its own columns, null notes are left out: about 120 bytes fewer a row.
      const { id: _id, source: _source, account: _account, seq, reversedAt, reversalReason, reservation, ...stored } = doc;
      const kept = stored as StoredDecision;
      if (reversedAt !== null) kept.reversedAt = reversedAt;
      if (reversalReason !== null) kept.reversalReason = reversalReason;
      if (reservation) kept.reservation = reservation;
      return { values: seqColumns(seq), stored: kept };
    },
    fromRow: ([hi, lo], stored, [source, id, account]) => decisionOfRow(source, id, account, hi, lo, stored as StoredDecision),
  },
  keysOf: (e) =>
    e.type === 'UsageAccepted' ||
    e.type === 'UsageRejected' ||
    e.type === 'UsageReversed' ||
    e.type === 'UsageHeld' ||
    e.type === 'HoldReleased'
      ? [[e.data.source, e.data.id, e.data.account]]
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

const SEQ = /^0*(\d+):0*(\d+)$/;

/** A position's two numbers, as the bigint columns take them (without the padding). */
function seqColumns(seq: string): string[] {
  const match = SEQ.exec(seq);
  if (!match) throw new Error(`a decision's position is two numbers, not ${seq}`);
  return [match[1], match[2]];
}

/** The position the log shows (and `before=` takes), from the two columns: as v2 kept it. */
export function positionOf(hi: string, lo: string): string {
  return `${hi.padStart(20, '0')}:${lo.padStart(20, '0')}`;
}

/** A decision put back together from its row: key, position (read as text) and stored document. */
export function decisionOfRow(
  source: string,
  id: string,
  account: string,
  hi: string,
  lo: string,
  stored: StoredDecision,
): DecisionDoc {
  return {
    ...stored,
    id,
    source,
    account,
    seq: positionOf(hi, lo),
    reversedAt: stored.reversedAt ?? null,
    reversalReason: stored.reversalReason ?? null,
    reservation: stored.reservation ?? null,
  };
}
