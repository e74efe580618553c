import { PGlite, type Transaction } from '@electric-sql/pglite';
import { SNAPSHOT_IDLE_MS, type SessionLock, type SqlClient, type SqlQueryable, type SqlSnapshot } from './sql-client';

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
   */
  static async open(dataDir: string | undefined, settings: Record<string, string> = {}): Promise<PgliteClient> {
    return new PgliteClient(await PGlite.create(dataDir, pgliteOptions(settings)));
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
   * PGlite is one connection, and its transaction holds it: every other statement, a projection
   * batch's transaction included, waits until the snapshot ends, so none commits between the
   * snapshot's statements. It ends itself once idle (no statement) for `idleMs`, so that a stalled
   * reader cannot hold the database for ever; its next statement then fails.
   */
  async snapshot({ idleMs = SNAPSHOT_IDLE_MS }: { idleMs?: number } = {}): Promise<SqlSnapshot> {
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let done: Promise<void> = Promise.resolve();
    const tx = await new Promise<Transaction>((resolve, reject) => {
      done = this.db.transaction(async (tx) => {
        await tx.query('set transaction read only');
        resolve(tx);
        await finished;
      });
      // Before `resolve`, the failure is the caller's; after it, `end` reports it.
      done.catch(reject);
    });
    let state: 'open' | 'idle too long' | 'ended' = 'open';
    let timer: NodeJS.Timeout | undefined;
    const idle = () => {
      timer = setTimeout(() => {
        state = 'idle too long';
        finish();
      }, idleMs);
      timer.unref();
    };
    idle();
    return {
      async query<R>(sql: string, params: unknown[] = []) {
        if (state !== 'open') throw new Error(`the snapshot has ended (${state})`);
        clearTimeout(timer);
        try {
          const result = await tx.query<R>(sql, params);
          return { rows: result.rows };
        } finally {
          if (state === 'open') idle();
        }
      },
      async end() {
        if (state === 'open') state = 'ended';
        clearTimeout(timer);
        finish();
        // Read only, so nothing is lost if its commit fails (after a failed statement, which
        // its caller was told of): the database is free again either way.
        await done.catch(() => undefined);
      },
    };
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
