import type { TallyEvent } from '@tally/events';

/** Where an event came from, for projections that keep order or time. */
export interface EventContext {
  streamName: string;
  position: string;
  createdAt: string;
}

/**
 * A read model: rows of `table`, each a key (`keys` columns) and a JSON document. The runtime
 * loads the rows an event touches, calls `evolve(row | null, event)` and writes the result
 * (null deletes) together with the checkpoint, so replaying an event is never counted twice.
 */
export interface Projection<Doc = unknown> {
  /** Versioned name, also the table name: bump the version to rebuild into a fresh table. */
  name: string;
  keys: readonly string[];
  /** Extra DDL (indexes) for the table, run after it is created. */
  indexes?: readonly string[];
  /** Keys of the rows `event` changes, each in `keys` order. */
  keysOf(event: TallyEvent): string[][];
  evolve(doc: Doc | null, event: TallyEvent, key: string[], context: EventContext): Doc | null;
}

/** Defines a projection with its document type checked. */
export function projection<Doc>(definition: Projection<Doc>): Projection<Doc> {
  return definition;
}
