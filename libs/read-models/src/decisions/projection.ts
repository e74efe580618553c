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

/** A decision as v3 kept its document (and v4 keeps a row whose fields its columns cannot hold): without its key, position and empty notes. */
export type StoredDecision = Omit<
  DecisionDoc,
  'id' | 'source' | 'account' | 'seq' | 'reversedAt' | 'reversalReason' | 'reservation'
> &
  Partial<Pick<DecisionDoc, 'reversedAt' | 'reversalReason' | 'reservation'>>;

/**
 * What a v4 row's document keeps beside its columns: the fields few decisions have (a
 * multi-item usage's lines, `retryAfterMs`, `limitedBy`, the usage's kept attributes) and the
 * notes that are not null; the row's document is null when there is none of them.
 */
export type DecisionExtras = Partial<
  Omit<
    DecisionDoc,
    | 'id'
    | 'source'
    | 'account'
    | 'seq'
    | 'subject'
    | 'meter'
    | 'quantity'
    | 'decision'
    | 'reason'
    | 'overage'
    | 'usage'
    | 'limit'
    | 'remaining'
    | 'decidedAt'
    | 'reportedBy'
  >
>;

/**
 * The row's columns after its key, in the order `toRow` gives their values. `meter` null marks a
 * row kept as v3 kept it, its whole decision in the document: one whose numbers are not all
 * integers a bigint holds exactly (the contract's quantities and their sums are), so that any
 * event's row is stored as it was decided. `subject` is null when it is the account.
 */
const COLUMNS = [
  { name: 'seq_hi', type: 'bigint' },
  { name: 'seq_lo', type: 'bigint' },
  { name: 'subject', type: 'text', nullable: true },
  { name: 'meter', type: 'text', nullable: true },
  { name: 'quantity', type: 'bigint', nullable: true },
  { name: 'reason', type: 'text', nullable: true },
  { name: 'overage', type: 'bigint', nullable: true },
  { name: 'usage', type: 'bigint', nullable: true },
  { name: 'quota_limit', type: 'bigint', nullable: true },
  { name: 'remaining', type: 'bigint', nullable: true },
  // Nullable as v3's document was: a decision without the time (none is made so) still projects.
  { name: 'decided_at', type: 'text', nullable: true },
  { name: 'reported_by', type: 'text', nullable: true },
] as const;

/**
 * The decision log, keyed by (source, id) and account: the key's first columns answer the lookup
 * by source and id, and the position is two bigint columns, `seq_hi` and `seq_lo` (the store's
 * two numbers), that the newest-first index reads. Each field every decision has is a column of
 * its own; the jsonb document keeps only the rest, and is null for most decisions.
 */
export const decisions = projection<DecisionDoc>({
  // v4: the decision's fields in typed columns, sent as one array each, the document only for
  // what few decisions have (v3 kept a jsonb document per decision: forming and indexing it was
  // about 40% of PostgreSQL's CPU projecting); v3: the position in two bigint columns and the key
  // in (source, id, account) order, one index fewer, the document without its key, position and
  // nulls (v2: a 41-character text in the document, indexed by expression); v2: holds are in the
  // log (v1 listed a reservation only once committed).
  name: 'decisions_v4',
  keys: ['source', 'id', 'account'],
  // A row per decision, touched again only by its reversal or its hold's end: not kept between batches.
  cached: false,
  indexes: (table) => [`create index if not exists ${table}_account_seq on ${table} (account, seq_hi desc, seq_lo desc)`],
  row: {
    columns: COLUMNS,
    toRow: (doc) => rowOf(doc),
    fromRow: (values, stored, [source, id, account]) => decisionOfRow(source, id, account, values, stored),
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

const exact = (n: number | null) => n === null || Number.isSafeInteger(n);

/** A decision's column values (in `COLUMNS` order) and what its document keeps, null for nothing. */
function rowOf(doc: DecisionDoc): { values: Array<string | number | null>; stored: unknown } {
  const [hi, lo] = seqColumns(doc.seq);
  const { id: _id, source: _source, account, seq: _seq, reversedAt, reversalReason, reservation, ...decided } = doc;
  const { subject, meter, quantity, decision, reason, overage, usage, limit, remaining, decidedAt, reportedBy, ...rest } =
    decided;
  const columned =
    exact(quantity) &&
    exact(overage) &&
    exact(usage) &&
    exact(limit) &&
    exact(remaining) &&
    (decision === 'rejected') === (reason !== undefined);
  if (!columned) {
    // Kept whole (but for the key and position) as v3 kept it: an absent `reason` stays absent in JSON.
    const kept = decided as StoredDecision;
    notesInto(kept, reversedAt, reversalReason, reservation);
    return { values: [hi, lo, null, null, null, null, null, null, null, null, decidedAt, null], stored: kept };
  }
  const extras = rest as DecisionExtras;
  notesInto(extras, reversedAt, reversalReason, reservation);
  // A field present but undefined is not kept (JSON would drop it): the document stays null.
  let any = false;
  for (const key in extras) {
    if ((extras as Record<string, unknown>)[key] !== undefined) {
      any = true;
      break;
    }
  }
  return {
    values: [
      hi,
      lo,
      subject === account ? null : subject,
      meter,
      quantity,
      reason ?? null,
      overage,
      usage,
      limit,
      remaining,
      decidedAt,
      reportedBy ?? null,
    ],
    stored: any ? extras : null,
  };
}

/** The notes that are not null, added to what a row's document keeps. */
function notesInto(
  kept: DecisionExtras,
  reversedAt: string | null,
  reversalReason: string | null,
  reservation: ReservationNote | null | undefined,
): void {
  if (reversedAt !== null) kept.reversedAt = reversedAt;
  if (reversalReason !== null) kept.reversalReason = reversalReason;
  if (reservation) kept.reservation = reservation;
}

const numberOf = (text: string | null) => (text === null ? null : Number(text));

/** A decision put back together from its row: key, the column values (read as text, in `COLUMNS` order) and its document. */
export function decisionOfRow(
  source: string,
  id: string,
  account: string,
  values: ReadonlyArray<string | null>,
  stored: unknown,
): DecisionDoc {
  const [hi, lo, subject, meter, quantity, reason, overage, usage, limit, remaining, decidedAt, reportedBy] = values;
  const seq = positionOf(hi as string, lo as string);
  if (meter === null) {
    // Kept whole in the document, as v3 kept it.
    const whole = stored as StoredDecision;
    return {
      ...whole,
      id,
      source,
      account,
      seq,
      reversedAt: whole.reversedAt ?? null,
      reversalReason: whole.reversalReason ?? null,
      reservation: whole.reservation ?? null,
    };
  }
  const extras = (stored ?? {}) as DecisionExtras;
  const doc = {
    id,
    source,
    subject: subject ?? account,
    account,
    meter,
    quantity: Number(quantity),
    decision: reason === null ? 'accepted' : 'rejected',
    ...(reason === null ? {} : { reason }),
    overage: Number(overage),
    usage: Number(usage),
    limit: numberOf(limit),
    remaining: numberOf(remaining),
    decidedAt: decidedAt as string,
    reportedBy,
    ...extras,
    seq,
    reversedAt: extras.reversedAt ?? null,
    reversalReason: extras.reversalReason ?? null,
    reservation: extras.reservation ?? null,
  };
  return doc as DecisionDoc;
}
