import { EsdbEventStore } from '@tally/eventstore';
import { describeIf, infra } from '../infra/infra';
import { eventStoreContract } from './event-store.contract';

// Runs wherever an EventStoreDB is reachable: ESDB_CONNECTION_STRING, or one started by
// test/infra with testcontainers where a Docker engine exists. Elsewhere global-setup prints
// why it is skipped.
describeIf(infra.esdbConnectionString, 'event store contract: EventStoreDB', () => {
  eventStoreContract(async () => {
    const store = await EsdbEventStore.connect(infra.esdbConnectionString!);
    return { store, close: () => store.close() };
  });
});
