import { PgClient, PgliteClient, type SqlClient } from '@tally/eventstore';
import { createTestDatabase, infra } from '../infra/infra';

/** Opens a fresh, empty SQL database; `close` also deletes it. */
export type OpenDatabase = () => Promise<{ db: SqlClient; close(): Promise<void> }>;

/** In-memory PGlite always, and a fresh PostgreSQL database when the server is reachable. */
export function sqlBackends(): Array<[string, OpenDatabase]> {
  const backends: Array<[string, OpenDatabase]> = [
    [
      'pglite',
      async () => {
        const db = await PgliteClient.open(undefined);
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
