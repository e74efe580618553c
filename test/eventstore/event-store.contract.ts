import { randomUUID } from 'node:crypto';
import {
  ConcurrencyRetriesExhaustedError,
  WrongExpectedRevisionError,
  retryOnConflict,
  type EventStore,
  type RecordedEvent,
} from '@tally/eventstore';
import { eventually } from '../infra/infra';
import { appendManyContract } from './append-many.contract';

const event = (n: number) => ({ type: 'Counted.v1', data: { n } });

/**
 * The behaviour every event-store adapter must have. One file, run against each adapter by
 * its own *.int.spec.ts, so that PostgreSQL, PGlite and EventStoreDB cannot drift apart.
 */
export function eventStoreContract(open: () => Promise<{ store: EventStore; close(): Promise<void> }>): void {
  let store: EventStore;
  let close: () => Promise<void>;
  // Streams of every test are unique, so tests never see each other's events.
  const stream = (name = 'stream') => `contract${randomUUID().slice(0, 8)}-${name}`;

  beforeAll(async () => {
    ({ store, close } = await open());
  });
  afterAll(async () => {
    await close();
  });

  describe('append and read', () => {
    it('creates a stream and reads it back in order, revisions from 0', async () => {
      const s = stream();
      const result = await store.appendToStream(s, [event(1), event(2), event(3)], 'no_stream');
      expect(result.nextRevision).toBe(2n);
      const read = await store.readStream(s);
      expect(read.map((e) => [e.revision, e.type, e.data])).toEqual([
        [0n, 'Counted.v1', { n: 1 }],
        [1n, 'Counted.v1', { n: 2 }],
        [2n, 'Counted.v1', { n: 3 }],
      ]);
      expect(read.every((e) => e.streamName === s && !Number.isNaN(Date.parse(e.createdAt)))).toBe(true);
    });

    it('appends at the expected revision', async () => {
      const s = stream();
      await store.appendToStream(s, [event(1)], 'no_stream');
      const result = await store.appendToStream(s, [event(2)], 0n);
      expect(result.nextRevision).toBe(1n);
      expect((await store.readStream(s)).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it('reads from a revision on, the last event, and nothing for a missing stream', async () => {
      const s = stream();
      await store.appendToStream(s, [event(1), event(2), event(3)], 'no_stream');
      expect((await store.readStream(s, 1n)).map((e) => e.data)).toEqual([{ n: 2 }, { n: 3 }]);
      expect((await store.readLastEvent(s))?.data).toEqual({ n: 3 });
      expect(await store.readStream(stream('missing'))).toEqual([]);
      expect(await store.readLastEvent(stream('missing'))).toBeNull();
    });

    it('appends with expected revision "any" whatever the stream holds', async () => {
      const s = stream();
      await store.appendToStream(s, [event(1)], 'any');
      await store.appendToStream(s, [event(2)], 'any');
      expect(await store.readStream(s)).toHaveLength(2);
    });
  });

  describe('optimistic concurrency', () => {
    it('refuses an append at a stale revision and writes nothing', async () => {
      const s = stream();
      await store.appendToStream(s, [event(1), event(2)], 'no_stream');
      await expect(store.appendToStream(s, [event(3)], 0n)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('refuses to create a stream that exists, and to continue one that does not', async () => {
      const s = stream();
      await store.appendToStream(s, [event(1)], 'no_stream');
      await expect(store.appendToStream(s, [event(2)], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.appendToStream(stream('absent'), [event(1)], 0n)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    });

    it('lets exactly one of many concurrent writers at the same revision win', async () => {
      const s = stream();
      await store.appendToStream(s, [event(0)], 'no_stream');
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.appendToStream(s, [event(i + 1)], 0n)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
      }
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('retries the whole decide step until every writer has decided on fresh state', async () => {
      // 25 writers race to take a slot while fewer than 10 are taken: exactly 10 may win.
      const s = stream();
      const takeSlot = () =>
        retryOnConflict(
          async () => {
            const events = await store.readStream(s);
            if (events.length >= 10) return 'full';
            await store.appendToStream(s, [event(events.length)], events.length === 0 ? 'no_stream' : BigInt(events.length - 1));
            return 'taken';
          },
          { attempts: 200, baseDelayMs: 2 },
        );
      const outcomes = await Promise.all(Array.from({ length: 25 }, takeSlot));
      expect(outcomes.filter((o) => o === 'taken')).toHaveLength(10);
      expect((await store.readStream(s)).map((e) => e.data)).toEqual(Array.from({ length: 10 }, (_, n) => ({ n })));
    });

    it('gives up after the bounded number of attempts', async () => {
      const s = stream();
      await store.appendToStream(s, [event(0)], 'no_stream');
      let attempts = 0;
      const alwaysStale = retryOnConflict(
        async () => {
          attempts++;
          await store.appendToStream(s, [event(1)], 5n);
        },
        { attempts: 3, baseDelayMs: 1 },
      );
      await expect(alwaysStale).rejects.toBeInstanceOf(ConcurrencyRetriesExhaustedError);
      expect(attempts).toBe(3);
    });
  });

  describe('append to many streams at once', () => appendManyContract(() => store, stream));

  describe('ordered subscription', () => {
    const collect = async (prefix: string, from: string | null, count: number): Promise<RecordedEvent[]> => {
      const subscription = store.subscribe({ from, prefixes: [prefix], batchSize: 3 });
      const seen: RecordedEvent[] = [];
      for await (const batch of subscription) {
        seen.push(...batch);
        if (seen.length >= count) break;
      }
      await subscription.close();
      return seen;
    };

    it('delivers every matching event once, in global order, from the start or after a checkpoint', async () => {
      const prefix = `sub${randomUUID().slice(0, 8)}-`;
      await store.appendToStream(`${prefix}a`, [event(1), event(2)], 'no_stream');
      await store.appendToStream(`other${prefix}`, [event(99)], 'no_stream');
      await store.appendToStream(`${prefix}b`, [event(3)], 'no_stream');
      await store.appendToStream(`${prefix}a`, [event(4), event(5)], 1n);

      const all = await collect(prefix, null, 5);
      expect(all.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
      for (let i = 1; i < all.length; i++) expect(store.compare(all[i - 1].position, all[i].position)).toBeLessThan(0);

      const rest = await collect(prefix, all[2].position, 2);
      expect(rest.map((e) => e.data)).toEqual([{ n: 4 }, { n: 5 }]);
    });

    it('keeps delivering events appended after it caught up, including concurrent ones', async () => {
      const prefix = `live${randomUUID().slice(0, 8)}-`;
      await store.appendToStream(`${prefix}x`, [event(0)], 'no_stream');
      const subscription = store.subscribe({ from: null, prefixes: [prefix] });
      const seen: RecordedEvent[] = [];
      const reading = (async () => {
        for await (const batch of subscription) {
          seen.push(...batch);
          if (seen.length >= 21) break;
        }
      })();
      await eventually(() => expect(seen).toHaveLength(1));
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.appendToStream(`${prefix}${i}`, [event(i + 1)], 'no_stream')));
      await reading;
      await subscription.close();
      expect(new Set(seen.map((e) => (e.data as { n: number }).n)).size).toBe(21);
      const head = await store.headPosition();
      expect(head).not.toBeNull();
      expect(store.compare(head!, seen[seen.length - 1].position)).toBeGreaterThanOrEqual(0);
    });

    it('counts the events after a position, up to a cap', async () => {
      const s = stream('count');
      await store.appendToStream(s, [event(1), event(2), event(3), event(4)], 'no_stream');
      const events = await store.readStream(s);
      expect(await store.countAfter(events[0].position, [s], 100)).toBe(3);
      expect(await store.countAfter(events[3].position, [s], 100)).toBe(0);
      expect(await store.countAfter(null, [s], 2)).toBe(2);
    });
  });

  describe('how far a follower is behind', () => {
    it('finds the first event after a position, of the given prefixes only, and none past the head', async () => {
      const prefix = `lag${randomUUID().slice(0, 8)}-`;
      await store.appendToStream(`${prefix}a`, [event(1)], 'no_stream');
      await store.appendToStream(stream('other'), [event(9)], 'no_stream');
      await store.appendToStream(`${prefix}b`, [event(2)], 'no_stream');
      const first = await eventuallyFound(() => store.firstEventAfter(null, [prefix]));
      expect([first.streamName, first.data]).toEqual([`${prefix}a`, { n: 1 }]);
      const second = await eventuallyFound(() => store.firstEventAfter(first.position, [prefix]));
      expect([second.streamName, second.data]).toEqual([`${prefix}b`, { n: 2 }]);
      expect(await store.firstEventAfter(second.position, [prefix])).toBeNull();
    });
  });
}

// A store may hold back events of transactions still running; ours have committed, so they show up.
async function eventuallyFound(read: () => Promise<RecordedEvent | null>): Promise<RecordedEvent> {
  let found: RecordedEvent | null = null;
  await eventually(async () => {
    found = await read();
    expect(found).not.toBeNull();
  });
  return found!;
}
