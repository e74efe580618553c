import { PGlite } from '@electric-sql/pglite';
import type { SessionLock, SqlClient, SqlQueryable, SqlSnapshot } from './sql-client';

/**
 * PGlite's options for starting with `settings`: its start parameters are PostgreSQL's command
 * line (single-user mode), which replace its defaults, so those are kept and `-c name=value`
 * added after them. A PGlite without start parameters (0.3, which the upgrade test runs this
 * build on to make an old folder) starts as it would.
 */
export function pgliteOptions(settings: Record<string, string>): { startParams?: string[] } {
  const defaults = (PGlite as { defaultStartParams?: string[] }).defaultStartParams;
  const extra = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return defaults && extra.length ? { startParams: [...defaults, ...extra] } : {};
}

/** A {@link SqlClient} over embedded PGlite (PostgreSQL in WebAssembly), stored in a directory. */
export class PgliteClient implements SqlClient {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  /**
   * Opens (creating if needed) the database in `dataDir`; `undefined` keeps it in memory.
   * `settings` are PostgreSQL settings (`{ shared_buffers: '32MB' }`) it starts with.
   * `from` is a dump of a data directory (PGlite's `dumpDataDir`) to start a new one from
   * instead of creating it (the test suites start each in-memory database from one empty dump).
   */
  static async open(dataDir: string | undefined, settings: Record<string, string> = {}, from?: Blob): Promise<PgliteClient> {
    const options = pgliteOptions(settings);
    return new PgliteClient(await PGlite.create(dataDir, from ? { ...options, loadDataDir: from } : options));
  }

  // PGlite's query has no named statements: `options.prepare` is ignored, the text parsed each time.
  async query<R>(sql: string, params: unknown[] = []): Promise<{ rows: R[] }> {
    const result = await this.db.query<R>(sql, params);
    return { rows: result.rows };
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      work({
        async query<R>(sql: string, params: unknown[] = []) {
          const result = await tx.query<R>(sql, params);
          return { rows: result.rows };
        },
      }),
    );
  }

  /**
   * PGlite is one connection, shared by the api and the projector: a transaction held while an
   * export streams to its client would stall every decision and projection batch until the
   * client had read the last page (a slow client, for as long as it liked). So an embedded
   * snapshot isolates nothing and holds nothing: its statements run one by one, and a projection
   * batch may commit between two of them (docs/decisions.md, "One snapshot per export").
   */
  snapshot(): Promise<SqlSnapshot> {
    return Promise.resolve({
      query: <R>(sql: string, params: unknown[] = []) => this.query<R>(sql, params),
      end: () => Promise.resolve(),
    });
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    return this.db.listen(channel, () => onNotify());
  }

  /** PGlite serves one process: the lock is always free, and never lost while the database is open. */
  async trySessionLock(): Promise<SessionLock> {
    return { lost: new Promise<void>(() => undefined), release: async () => undefined };
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
