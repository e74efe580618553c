import type { EventStore, RecordedEvent } from '@tally/eventstore';
import { CatalogCache } from './catalog-cache';

/** A store whose reads are answered when the test says: each read is a deferred promise. */
function storeWithHeldReads() {
  const reads: Array<{ stream: string; answer(events: RecordedEvent[]): void }> = [];
  const store = {
    readStream: (stream: string) =>
      new Promise<RecordedEvent[]>((resolve) => {
        reads.push({ stream, answer: resolve });
      }),
  } as unknown as EventStore;
  return { store, reads };
}

/** Resolves to 'pending' when `promise` has not settled once the microtasks queued so far ran. */
async function settled<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

describe('CatalogCache', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('reads a subject again in the background once its entry nears expiry, answering from the entry meanwhile', async () => {
    // given a subject read (unmapped: its own account)
    const { store, reads } = storeWithHeldReads();
    const catalog = new CatalogCache(store);
    const first = catalog.accountOf('s-1');
    reads[0].answer([]);
    expect(await first).toBe('s-1');

    // when it is asked for again 1.6 s later, its stream's read held
    jest.advanceTimersByTime(1600);
    const again = catalog.accountOf('s-1');

    // then the answer does not wait for the store, and one refresh read was started
    expect(await settled(again)).toBe('s-1');
    expect(reads).toHaveLength(2);
    expect(reads[1].stream).toBe(reads[0].stream);
    // and a request meanwhile starts no second refresh
    expect(await settled(catalog.accountOf('s-1'))).toBe('s-1');
    expect(reads).toHaveLength(2);
  });

  it('reads on the request path once an entry has expired', async () => {
    // given a subject read 2.1 s ago
    const { store, reads } = storeWithHeldReads();
    const catalog = new CatalogCache(store);
    const first = catalog.accountOf('s-1');
    reads[0].answer([]);
    await first;
    jest.advanceTimersByTime(2100);

    // when it is asked for, its stream's read held
    const again = catalog.accountOf('s-1');

    // then the answer waits for the read
    expect(await settled(again)).toBe('pending');
    reads[1].answer([]);
    expect(await again).toBe('s-1');
  });

  it('does not read a fresh entry again', async () => {
    const { store, reads } = storeWithHeldReads();
    const catalog = new CatalogCache(store);
    const first = catalog.accountOf('s-1');
    reads[0].answer([]);
    await first;
    jest.advanceTimersByTime(1000);

    expect(await settled(catalog.accountOf('s-1'))).toBe('s-1');
    expect(reads).toHaveLength(1);
  });
});
