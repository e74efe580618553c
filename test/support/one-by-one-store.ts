import { appendEachOf, type AppendResult, type EventStore, type StreamAppend } from '@tally/eventstore';

/** When an armed {@link oneByOneStore} stops: after this many parts of its next multi-stream append. */
export interface StopSwitch {
  afterParts: number | null;
}

/** What the writer sees when the store stops it between two parts (as a process killed there would). */
export class WriterStopped extends Error {}

/**
 * `store` as EventStoreDB behaves: no transaction across streams, so `appendAtomically` appends
 * the parts one by one in the order given. Armed (`stop.afterParts`), the next such append writes
 * that many parts and stops, leaving them written and the rest not: the fault a writer killed
 * between two appends leaves. It fires once.
 */
export function oneByOneStore(store: EventStore, stop: StopSwitch): EventStore {
  const appendAtomically = async (parts: StreamAppend[]): Promise<AppendResult[]> => {
    const results: AppendResult[] = [];
    for (const [i, part] of parts.entries()) {
      if (stop.afterParts === i) {
        stop.afterParts = null;
        throw new WriterStopped(`stopped after ${i} of ${parts.length} parts`);
      }
      results.push(await store.appendToStream(part.stream, part.events, part.expected, part.claims));
    }
    return results;
  };
  const appendToStream: EventStore['appendToStream'] = (...args) => store.appendToStream(...args);
  const overrides: Partial<EventStore> = {
    atomicAcrossStreams: false,
    appendAtomically,
    appendMany: (appends) => appendEachOf({ appendToStream, appendAtomically }, appends),
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property in overrides) return overrides[property as keyof EventStore];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
