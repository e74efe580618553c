import { PgliteClient, SqlEventStore } from '@tally/eventstore';
import { eventStoreContract } from './event-store.contract';

describe('event store contract: PGlite', () => {
  eventStoreContract(async () => {
    const db = await PgliteClient.open(undefined);
    return { store: await SqlEventStore.create(db), close: () => db.close() };
  });
});
