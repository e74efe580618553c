import type { EventStore } from '@tally/eventstore';

/**
 * The store, counting the reads of streams that go through it (`readStream`, `readLastEvent`, and
 * `readStreams` once for all its streams), and
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
      if (name === 'readStreams') {
        // One read (one statement) for all of them; `beforeRead` sees each stream.
        return async (streams: readonly string[]) => {
          reads++;
          for (const stream of streams) await beforeRead(stream);
          return value.apply(target, [streams]);
        };
      }
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
