import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EsdbEventStore, PgClient, PgliteClient, SqlEventStore, type EventStore, type SqlClient } from '@tally/eventstore';
import type { Config } from './config';
import { upgradeEmbeddedData } from './embedded/pglite-upgrade';
import type { Logger } from './logger';
import { sharingListens } from './shared-listen';

/**
 * The read-model database: PostgreSQL at DATABASE_URL, else PGlite in METERING_DATA_DIR (a folder
 * of an earlier Tally's PGlite 0.3 is upgraded first), started with the PGLITE_* memory settings.
 */
export async function openDatabase(config: Config, applicationName: string, logger: Logger): Promise<SqlClient> {
  if (config.databaseUrl) {
    const db = new PgClient(config.databaseUrl, { applicationName });
    try {
      await db.query('select 1');
    } catch (error) {
      await db.close().catch(() => undefined);
      throw new Error(`PostgreSQL at DATABASE_URL is unreachable: ${(error as Error).message}`);
    }
    // The store's followers in this process share one LISTEN connection.
    return sharingListens(db);
  }
  mkdirSync(config.dataDir, { recursive: true });
  const dir = join(config.dataDir, 'pglite');
  await upgradeEmbeddedData(dir, logger, { ...config.pglite });
  return PgliteClient.open(dir, { ...config.pglite });
}

/** The event store EVENT_STORE names: the SQL store on the same database, or EventStoreDB. */
export async function openEventStore(config: Config, db: SqlClient): Promise<EventStore> {
  switch (config.eventStore) {
    case 'pglite':
    case 'postgres':
      return SqlEventStore.create(db);
    case 'eventstoredb':
      return EsdbEventStore.connect(config.esdbConnectionString as string);
  }
}
