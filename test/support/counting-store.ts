import type { EventStore } from '@tally/eventstore';

/**
 * The store, counting the reads of streams that go through it (`readStream`, `readLastEvent`), and
 * running `beforeRead` (if given) before each: a test puts another writer's append between two
 * reads of one step there.
 */
export function countingStore(
  store: EventStore,
  beforeRead: (stream: string) => Promise<void> | void = () => undefined,
): { store: EventStore; reads: () => number } {
  let reads = 0;
  const counted = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name === 'readStream' || name === 'readLastEvent') {
        return async (stream: string, ...rest: unknown[]) => {
          reads++;
          await beforeRead(stream);
          return value.apply(target, [stream, ...rest]);
        };
      }
      return value.bind(target);
    },
  });
  return { store: counted, reads: () => reads };
}
