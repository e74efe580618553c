import type { TallyEvent } from '@tally/events';

/** Where an event came from: its global position, which projections that keep order sort by. */
export interface EventContext {
  position: string;
}

/**
 * A read model: rows of its table, each a key (`keys` columns) and a JSON document. The runtime
 * loads the rows an event touches, calls `evolve(row | null, event)` and writes the result
 * (null deletes) together with the checkpoint, so replaying an event is never counted twice.
 */
export interface Projection<Doc = unknown> {
  /** Versioned name, such as `usage_monthly_v1`: bump the version to rebuild into a fresh table. */
  name: string;
  keys: readonly string[];
  /** Extra DDL (indexes) for the table, given its name; run after the table is created. */
  indexes?: (table: string) => readonly string[];
  /** Keys of the rows `event` changes, each in `keys` order. */
  keysOf(event: TallyEvent): string[][];
  evolve(doc: Doc | null, event: TallyEvent, key: string[], context: EventContext): Doc | null;
}

/** Defines a projection with its document type checked. */
export function projection<Doc>(definition: Projection<Doc>): Projection<Doc> {
  return definition;
}

const TABLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * The one place a projection's table name comes from: its versioned name. Writers and readers
 * both ask here, so bumping a version moves the queries to the new table too.
 */
export function tableOf(p: Pick<Projection, 'name'>): string {
  // The name is spliced into SQL: only a plain identifier may reach it.
  if (!TABLE_NAME.test(p.name)) throw new Error(`projection name "${p.name}" is not a plain SQL identifier`);
  return p.name;
}
