import type { TallyEvent } from '@tally/events';
import type { RecordedEvent, SqlQueryable } from '@tally/eventstore';

/** Where an event came from: its global position, which projections that keep order sort by. */
export interface EventContext {
  position: string;
}

/**
 * A read model: rows of its table, each a key (`keys` columns) and a JSON document. The runtime
 * loads the rows an event touches, calls `evolve(row | null, event)` and writes the result
 * (null deletes) together with the checkpoint, so replaying an event is never counted twice.
 */
export interface Projection<Doc = unknown, State = Doc> {
  /** Versioned name, such as `usage_monthly_v1`: bump the version to rebuild into a fresh table. */
  name: string;
  keys: readonly string[];
  /** Extra DDL (indexes) for the table, given its name; run after the table is created. */
  indexes?: (table: string) => readonly string[];
  /** Keys of the rows `event` changes, each in `keys` order. */
  keysOf(event: TallyEvent): string[][];
  evolve(state: State | null, event: TallyEvent, key: string[], context: EventContext): State | null;
  /**
   * For a read model whose document is costly to fold as it is (a wallet's grants, folded by the
   * domain as a map): the state `evolve` folds, read from a row's document and written back. The
   * runner reads a row's state once per batch and writes its document once, however many of the
   * batch's events touch it. Without it, `evolve` folds the document itself.
   */
  state?: { fromDoc(doc: Doc): State; toDoc(state: State): Doc };
  /**
   * Whether the runner keeps this projection's rows between batches (true unless false): worth it
   * where later batches touch the same rows again (counts, wallets), not where nearly every event
   * writes a row of its own (the decision log), whose rows would only push the others out.
   */
  cached?: boolean;
  /**
   * Typed columns of the table after the key, for indexes and queries to read instead of an
   * expression over the document, and for fields every row has, sent and stored as columns
   * instead of inside a jsonb document (the decision log: its position as two bigints, its
   * decision's fields). `toRow` takes a document's column values (text or numbers, cast to each
   * column's type; null only in a `nullable` column) and what the jsonb keeps of it (null for
   * nothing: with `row` the document column may be null); `fromRow` puts a stored row back
   * together (the values read as text). The runner sends such rows as one array per column.
   * Without it, the row is the key and the document.
   */
  row?: {
    columns: ReadonlyArray<{ name: string; type: string; nullable?: boolean }>;
    toRow(doc: Doc, key: string[]): { values: Array<string | number | null>; stored: unknown };
    fromRow(values: Array<string | null>, stored: unknown, key: string[]): Doc;
  };
}

/** Defines a projection with its document (and state) type checked. */
export function projection<Doc, State = Doc>(definition: Projection<Doc, State>): Projection<Doc, State> {
  return definition;
}

/** An event as the runner hands it to a projection: the stored record and what it reads as. */
export interface ProjectedEvent {
  recorded: RecordedEvent;
  event: TallyEvent;
}

/**
 * A read model that writes its own tables, for rows an event cannot key by itself (a reversal
 * counts on the day of the usage it reverses, which it does not carry). The runner calls
 * `apply` inside the batch's transaction, with the events after the projection's checkpoint,
 * and moves the checkpoint in the same transaction: replaying an event is never counted twice.
 */
export interface SqlProjection {
  /** Versioned name, such as `usage_daily_v1`: bump the version to rebuild into fresh tables. */
  name: string;
  /** DDL creating its tables and indexes if missing, given its table name (`tableOf`). */
  schema(table: string): readonly string[];
  /** Every table it owns, given its table name: what a rebuild drops. */
  tables(table: string): readonly string[];
  /** Writes a batch into its tables, given its table name. */
  apply(tx: SqlQueryable, events: readonly ProjectedEvent[], table: string): Promise<void>;
  /**
   * Housekeeping outside any transaction (such as `vacuum`), which the runner calls after every
   * so many projected events: PGlite, the embedded database, runs no autovacuum, so the space of
   * deleted rows is reused only once a vacuum has recorded it.
   */
  maintain?(db: SqlQueryable, table: string): Promise<void>;
}

/** Any read model the projector keeps. */
export type ReadModelProjection = Projection | SqlProjection;

export function isSqlProjection(p: ReadModelProjection): p is SqlProjection {
  return 'apply' in p;
}

const TABLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * The one place a projection's table name comes from: its versioned name. Writers and readers
 * both ask here, so bumping a version moves the queries to the new table too.
 */
export function tableOf(p: Pick<ReadModelProjection, 'name'>): string {
  // The name is spliced into SQL: only a plain identifier may reach it.
  if (!TABLE_NAME.test(p.name)) throw new Error(`projection name "${p.name}" is not a plain SQL identifier`);
  return p.name;
}
