import { PgClient, PgliteClient, SqlEventStore, type SqlClient } from '@tally/eventstore';
import { createTestDatabase, infra } from '../infra/infra';
import { emptyPgliteDump } from '../infra/pglite-template';

/** Opens a fresh, empty SQL database; `close` also deletes it. */
export type OpenDatabase = () => Promise<{ db: SqlClient; close(): Promise<void> }>;

/** A new, empty in-memory PGlite database (started from the run's empty dump when there is one). */
export function openPglite(): Promise<PgliteClient> {
  return PgliteClient.open(undefined, {}, emptyPgliteDump());
}

/** In-memory PGlite always, and a fresh PostgreSQL database when the server is reachable. */
export function sqlBackends(): Array<[string, OpenDatabase]> {
  const backends: Array<[string, OpenDatabase]> = [
    [
      'pglite',
      async () => {
        const db = await openPglite();
        return { db, close: () => db.close() };
      },
    ],
  ];
  if (infra.postgresUrl) {
    backends.push([
      'postgres',
      async () => {
        const database = await createTestDatabase();
        const db = new PgClient(database.url);
        return {
          db,
          close: async () => {
            await db.close();
            await database.drop();
          },
        };
      },
    ]);
  }
  return backends;
}

/**
 * An event store on a fresh database of `open`, for one describe block: created before its
 * tests and closed (the database deleted) after them. Read `store()` inside tests.
 */
export function storeOn(open: OpenDatabase): { store: () => SqlEventStore } {
  let opened: { db: SqlClient; close(): Promise<void> } | null = null;
  let store: SqlEventStore | null = null;
  beforeAll(async () => {
    opened = await open();
    store = await SqlEventStore.create(opened.db);
  });
  afterAll(() => opened?.close());
  return { store: () => store as SqlEventStore };
}
