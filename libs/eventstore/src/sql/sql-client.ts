/** The part of a SQL connection Tally needs; implemented over pg (PostgreSQL) and PGlite. */
export interface SqlQueryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** A SQL database: queries, transactions, notifications. */
export interface SqlClient extends SqlQueryable {
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Calls `onNotify` on every NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** 'postgres' or 'pglite', for logs and readiness. */
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** SQLSTATE of a unique-constraint violation. */
export const UNIQUE_VIOLATION = '23505';

/** Whether an error from either driver carries a SQLSTATE code. */
export function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
