import type { Checkpoint, RecordedEvent } from '../event-store';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoint';

/** How `tally_events` rows are read: the columns, the row, and the event it maps to. */
export interface EventRow {
  global_position: string | bigint;
  transaction_id: string;
  stream_id: string;
  stream_revision: string | bigint;
  event_type: string;
  data: Record<string, unknown>;
  /** ISO 8601 in UTC with milliseconds, as `Date.prototype.toISOString` writes it (see {@link CREATED_AT}). */
  created_at: string;
}

/**
 * The stored time as the ISO string events carry, written by the database: parsing it into a Date
 * and back cost the projector about a third of its CPU per event. Milliseconds truncated, as
 * the Date did.
 */
export const createdAt = (table: string) =>
  `to_char(${table}created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at`;

// The text alias of transaction_id shadows the column in ORDER BY: order by the qualified column,
// or "1000" sorts before "999" and a page that spans the change of digits skips events.
export const COLUMNS = `global_position, transaction_id::text as transaction_id, stream_id, stream_revision, event_type, data, ${createdAt('')}`;

// LIKE patterns matching names that start with each prefix taken literally.
export function likePatterns(prefixes: string[]): string[] {
  return prefixes.map((p) => `${p.replace(/[\\%_]/g, '\\$&')}%`);
}

/** Whose checkpoints these are, in errors. */
export const STORE = 'a SQL event-store';

// A checkpoint is "transaction id:position"; the SQL takes both numbers as text.
export function parseCheckpoint(checkpoint: Checkpoint): [string, string] {
  const [transactionId, position] = decodeCheckpoint(checkpoint, STORE);
  return [String(transactionId), String(position)];
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamName: row.stream_id,
    revision: BigInt(row.stream_revision),
    position: encodeCheckpoint(row.transaction_id, row.global_position),
    type: row.event_type,
    data: row.data,
    createdAt: row.created_at,
  };
}
