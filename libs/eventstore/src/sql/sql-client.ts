/** The part of a SQL connection Tally needs; implemented over pg (PostgreSQL) and PGlite. */
export interface SqlQueryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<{ rows: R[] }>;
}

export interface QueryOptions {
  /**
   * Name under which the statement is prepared, once per connection, and then only bound and
   * executed (no parsing or planning per call); for hot statements whose text never changes.
   * A client that cannot keep prepared statements runs the text as usual.
   */
  prepare?: string;
}

/**
 * On PostgreSQL, a read-only transaction whose statements all see the database as it stood at
 * the first of them, whatever commits meanwhile, until `end` (which must be called: until then it
 * holds a pooled connection). On PGlite, whose one connection every write needs, the statements
 * run one by one, isolated from nothing (see PgliteClient.snapshot).
 */
export interface SqlSnapshot extends SqlQueryable {
  end(): Promise<void>;
}

/** What reads several statements as one answer: queries, and snapshots to read them in. */
export interface SqlReader extends SqlQueryable {
  /**
   * Begins a {@link SqlSnapshot}. One left idle (no statement) for `idleMs` is ended by the
   * database side: its next statement fails, so a reader that stalls cannot hold it for ever.
   */
  snapshot(options?: { idleMs?: number }): Promise<SqlSnapshot>;
}

/** How long a snapshot may wait between two statements before it is ended (a stalled export). */
export const SNAPSHOT_IDLE_MS = 30_000;

/** A SQL database: queries, transactions, snapshots, notifications. */
export interface SqlClient extends SqlReader {
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` on every NOTIFY on `channel`, and once with the error if the listening
   * connection is lost (no notification comes after that); resolves to an unsubscribe function.
   */
  listen(channel: string, onNotify: (lost?: Error) => void): Promise<() => Promise<void>>;
  /**
   * Takes a session-level advisory lock on a connection of its own, or resolves null if another
   * session holds it. The lock lasts until released or until that connection is lost.
   */
  trySessionLock(key: number): Promise<SessionLock | null>;
  /** 'postgres' or 'pglite', for logs and readiness. */
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** A held advisory lock; `lost` resolves if its connection drops (another process may take it then). */
export interface SessionLock {
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

/** SQLSTATE of a unique-constraint violation. */
export const UNIQUE_VIOLATION = '23505';

/** Whether an error from either driver carries a SQLSTATE code. */
export function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * Whether the database refused a statement because of the data in it, which retrying cannot
 * cure: class 22 (data exception: bad encoding, NUL, out of range), integrity violations other
 * than the unique key that signals a concurrent append, and class 54 (value too large).
 */
export function refusesData(error: unknown): boolean {
  const state = sqlState(error);
  if (!state || !/^[0-9A-Z]{5}$/.test(state)) return false;
  return state.startsWith('22') || state.startsWith('54') || (state.startsWith('23') && state !== UNIQUE_VIOLATION);
}
