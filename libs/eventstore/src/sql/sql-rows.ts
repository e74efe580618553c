import type { Checkpoint, RecordedEvent } from '../event-store';
import type { SqlQueryable } from './sql-client';

export interface EventRow {
  global_position: string | bigint;
  transaction_id: string;
  stream_id: string;
  stream_revision: string | bigint;
  event_type: string;
  data: Record<string, unknown>;
  created_at: Date;
}

// The text alias of transaction_id shadows the column in ORDER BY: order by the qualified column,
// or "1000" sorts before "999" and a page that spans the change of digits skips events.
export const COLUMNS =
  'global_position, transaction_id::text as transaction_id, stream_id, stream_revision, event_type, data, created_at';

export async function currentRevision(db: SqlQueryable, stream: string): Promise<bigint | null> {
  const { rows } = await db.query<{ revision: string | bigint | null }>(
    'select max(stream_revision) as revision from tally_events where stream_id = $1',
    [stream],
  );
  const revision = rows[0]?.revision;
  return revision === null || revision === undefined ? null : BigInt(revision);
}

// LIKE patterns matching names that start with each prefix taken literally.
export function likePatterns(prefixes: string[]): string[] {
  return prefixes.map((p) => `${p.replace(/[\\%_]/g, '\\$&')}%`);
}

export function checkpointOf(transactionId: string, position: string | bigint): Checkpoint {
  return `${transactionId}:${position}`;
}

export function parseCheckpoint(checkpoint: Checkpoint): [string, string] {
  const match = /^(\d+):(\d+)$/.exec(checkpoint);
  if (!match) throw new Error(`not a SQL event-store checkpoint: ${checkpoint}`);
  return [match[1], match[2]];
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamName: row.stream_id,
    revision: BigInt(row.stream_revision),
    position: checkpointOf(row.transaction_id, row.global_position),
    type: row.event_type,
    data: row.data,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
