import { PgClient, SqlEventStore } from '@tally/eventstore';
import { createTestDatabase, describeIf, infra } from '../infra/infra';
import { eventStoreContract } from './event-store.contract';

describeIf(infra.postgresUrl, 'event store contract: PostgreSQL', () => {
  eventStoreContract(async () => {
    const database = await createTestDatabase();
    const db = new PgClient(database.url);
    return {
      store: await SqlEventStore.create(db),
      close: async () => {
        await db.close();
        await database.drop();
      },
    };
  });
});
