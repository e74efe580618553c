import { Client, Pool, type PoolClient, type QueryConfig } from 'pg';
import {
  SNAPSHOT_IDLE_MS,
  type QueryOptions,
  type SessionLock,
  type SqlClient,
  type SqlQueryable,
  type SqlSnapshot,
} from './sql-client';

/** A {@link SqlClient} over a pg connection pool. */
export class PgClient implements SqlClient {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;

  constructor(
    private readonly connectionString: string,
    private readonly options: { max?: number; applicationName?: string } = {},
  ) {
    this.pool = new Pool({
      connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'tally',
      connectionTimeoutMillis: 5000,
    });
    // An idle client that loses its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
    // Nor a checked-out one: a server shutdown can emit 'error' on a client twice (the FATAL
    // message, then the closed socket), and pg-pool's query listens only once. The failure still
    // reaches the statement that was running; this listener only keeps the process alive.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async query<R>(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<{ rows: R[] }> {
    const result = await this.pool.query(statement(sql, params, options));
    return { rows: result.rows as R[] };
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // Checked out, the client has no pool listener: a server restart between two statements
    // would otherwise be an unhandled 'error' event. A broken client is destroyed on release.
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('begin');
      const result = await work(wrap(client));
      await client.query('commit');
      return result;
    } catch (error) {
      if (!broken) await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /**
   * A repeatable-read, read-only transaction on a connection of its own: PostgreSQL takes its
   * snapshot at the first statement, and every later one reads that. The server ends it (and
   * its connection, which the pool then replaces) once it has been idle for `idleMs`.
   */
  async snapshot({ idleMs = SNAPSHOT_IDLE_MS }: { idleMs?: number } = {}): Promise<SqlSnapshot> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      client.off('error', onError);
      client.release(broken);
    };
    // A lost connection (the server ending an idle snapshot) goes back to the pool at once, to
    // be replaced: a reader that never calls `end` does not keep its place in the pool.
    const onError = (error: Error) => {
      broken = error;
      release();
    };
    client.on('error', onError);
    try {
      // One round trip; `set local` lasts until the transaction ends.
      const idle = Math.max(1, Math.round(idleMs));
      await client.query(
        `begin isolation level repeatable read read only; set local idle_in_transaction_session_timeout = ${idle}`,
      );
    } catch (error) {
      broken ??= error as Error;
      release();
      throw error;
    }
    let ended = false;
    return {
      ...wrap(client),
      async end() {
        if (ended) return;
        ended = true;
        // A read-only transaction has nothing to keep: rolling back ends it just as well.
        if (!broken) await client.query('rollback').catch((error: Error) => (broken = error));
        release();
      },
    };
  }

  async listen(channel: string, onNotify: (lost?: Error) => void): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: without this, a server restart would crash the
    // process. The listener learns that notifications stopped, so that it can listen again.
    const onError = (error: Error) => {
      broken = error;
      onNotify(error);
    };
    const handler = (message: { channel: string }) => {
      if (message.channel === channel) onNotify();
    };
    client.on('error', onError);
    client.on('notification', handler);
    try {
      await client.query(`listen ${quoteIdent(channel)}`);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    return async () => {
      client.off('notification', handler);
      if (!broken) await client.query(`unlisten ${quoteIdent(channel)}`).catch((error: Error) => (broken = error));
      client.off('error', onError);
      client.release(broken);
    };
  }

  async trySessionLock(key: number): Promise<SessionLock | null> {
    const client = new Client({
      connectionString: this.connectionString,
      application_name: `${this.options.applicationName ?? 'tally'}-lock`,
      connectionTimeoutMillis: 5000,
    });
    let markLost: () => void = () => undefined;
    const lost = new Promise<void>((resolve) => (markLost = resolve));
    client.on('error', () => markLost());
    client.on('end', () => markLost());
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [key]);
      if (rows[0].locked) return { lost, release: () => client.end().catch(() => undefined) };
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    await client.end().catch(() => undefined);
    return null;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function wrap(client: PoolClient): SqlQueryable {
  return {
    async query<R>(sql: string, params: unknown[] = [], options: QueryOptions = {}) {
      const result = await client.query(statement(sql, params, options));
      return { rows: result.rows as R[] };
    },
  };
}

// pg prepares a named statement on each connection the first time it runs there.
function statement(text: string, values: unknown[], { prepare }: QueryOptions): QueryConfig {
  return prepare ? { name: prepare, text, values } : { text, values };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
