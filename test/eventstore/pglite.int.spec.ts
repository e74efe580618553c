import { SqlEventStore } from '@tally/eventstore';
import { eventStoreContract } from './event-store.contract';
import { openPglite } from '../support/databases';

describe('event store contract: PGlite', () => {
  eventStoreContract(async () => {
    const db = await openPglite();
    return { store: await SqlEventStore.create(db), close: () => db.close() };
  });
});
