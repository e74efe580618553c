import { Pool, type PoolClient } from 'pg';
import type { SqlClient, SqlQueryable } from './sql-client';

/** A {@link SqlClient} over a pg connection pool. */
export class PgClient implements SqlClient {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;

  constructor(connectionString: string, options: { max?: number; applicationName?: string } = {}) {
    this.pool = new Pool({
      connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'tally',
      connectionTimeoutMillis: 5000,
    });
    // An idle client that loses its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<{ rows: R[] }> {
    const result = await this.pool.query(sql, params);
    return { rows: result.rows as R[] };
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work(wrap(client));
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    const handler = (message: { channel: string }) => {
      if (message.channel === channel) onNotify();
    };
    client.on('notification', handler);
    await client.query(`listen ${quoteIdent(channel)}`);
    return async () => {
      client.off('notification', handler);
      await client.query(`unlisten ${quoteIdent(channel)}`).catch(() => undefined);
      client.release();
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function wrap(client: PoolClient): SqlQueryable {
  return {
    async query<R>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return { rows: result.rows as R[] };
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
