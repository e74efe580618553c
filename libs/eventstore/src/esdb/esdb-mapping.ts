import type { AllStreamResolvedEvent, Position, ResolvedEvent } from '@eventstore/db-client';
import { compareCheckpoints as compareStoreCheckpoints, decodeCheckpoint, encodeCheckpoint } from '../checkpoint';
import type { Checkpoint, RecordedEvent } from '../event-store';

const STORE = 'an EventStoreDB';

/** A $all position as a checkpoint string: "commit:prepare". */
export function checkpointOf(position: Position): Checkpoint {
  return encodeCheckpoint(position.commit, position.prepare);
}

/** The $all position a checkpoint names. */
export function positionOf(checkpoint: Checkpoint): Position {
  const [commit, prepare] = decodeCheckpoint(checkpoint, STORE);
  return { commit, prepare };
}

/** Orders two checkpoints by commit, then prepare position. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  return compareStoreCheckpoints(a, b, STORE);
}

/**
 * Maps a resolved event to the port's shape; non-JSON events are not Tally's. Event positions
 * come with EventStoreDB 22.6 and later, which Tally requires.
 */
export function toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || !event.isJson) return null;
  if (!event.position)
    throw new Error('EventStoreDB returned an event without its position: Tally needs EventStoreDB 22.6 or later');
  return {
    streamName: event.streamId,
    revision: event.revision,
    position: checkpointOf(event.position),
    type: event.type,
    data: event.data as Record<string, unknown>,
    createdAt: event.created.toISOString(),
  };
}
