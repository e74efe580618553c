import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '@tally/eventstore';
import { eventually } from '../infra/infra';

// Streams of every test are unique, so tests never see each other's events.
export const stream = (name = 'stream') => `contract${randomUUID().slice(0, 8)}-${name}`;

/** A test event: a counter value. */
export const event = (n: number) => ({ type: 'Counted.v1', data: { n } });

/**
 * The half of the event-store contract about the global order: subscriptions, counting and
 * finding what a follower has not seen yet. Run by `eventStoreContract` on the store it opened.
 */
export function readingInOrderContract(current: () => EventStore): void {
  let store: EventStore;
  beforeAll(() => {
    store = current();
  });

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

    it('given an interval, still delivers events appended after it caught up, and ends when closed', async () => {
      const prefix = `lag${randomUUID().slice(0, 8)}-`;
      await store.appendToStream(`${prefix}x`, [event(0)], 'no_stream');
      const subscription = store.subscribe({ from: null, prefixes: [prefix], intervalMs: 50 });
      const seen: RecordedEvent[] = [];
      const reading = (async () => {
        for await (const batch of subscription) seen.push(...batch);
      })();
      await eventually(() => expect(seen).toHaveLength(1));
      for (let i = 1; i <= 3; i++) await store.appendToStream(`${prefix}${i}`, [event(i)], 'no_stream');
      await eventually(() => expect(seen.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]));
      await subscription.close();
      await reading;
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

  describe('a subscription to some event types', () => {
    const marked = (n: number) => ({ type: 'Marked.v1', data: { n } });

    it('delivers only events of those types, in order, and says how far it read past the others', async () => {
      const prefix = `typed${randomUUID().slice(0, 8)}-`;
      await store.appendToStream(`${prefix}a`, [event(1), marked(2), event(3)], 'no_stream');
      await store.appendToStream(`${prefix}b`, [marked(4), event(5)], 'no_stream');
      await store.appendToStream(`other${prefix}`, [marked(99)], 'no_stream');
      const last = (await store.readStream(`${prefix}b`))[1];

      const subscription = store.subscribe({ from: null, prefixes: [prefix], types: ['Marked.v1'], batchSize: 1 });
      const seen: RecordedEvent[] = [];
      let through: string | null = null;
      for await (const batch of subscription) {
        seen.push(...batch);
        for (const e of batch) expect(store.compare(batch.through, e.position)).toBeGreaterThanOrEqual(0);
        through = batch.through;
        // Read past the last event of the prefix (the one it does not deliver): nothing left to read again.
        if (store.compare(through, last.position) >= 0) break;
      }
      await subscription.close();
      expect(seen.map((e) => [e.type, e.data])).toEqual([
        ['Marked.v1', { n: 2 }],
        ['Marked.v1', { n: 4 }],
      ]);
      expect(await store.countAfter(through, [prefix], 100)).toBe(0);
    });

    it('reports progress past events it does not deliver, so a follower catches up without any of its own', async () => {
      const prefix = `quiet${randomUUID().slice(0, 8)}-`;
      await store.appendToStream(`${prefix}a`, [event(1), event(2)], 'no_stream');
      const [, second] = await store.readStream(`${prefix}a`);
      const subscription = store.subscribe({ from: null, prefixes: [prefix], types: ['Marked.v1'] });
      let through: string | null = null;
      for await (const batch of subscription) {
        expect(batch).toHaveLength(0);
        through = batch.through;
        if (store.compare(through, second.position) >= 0) break;
      }
      await subscription.close();
      expect(await store.countAfter(through, [prefix], 100, ['Marked.v1'])).toBe(0);
      expect(await store.firstEventAfter(through, [prefix], ['Marked.v1'])).toBeNull();
    });

    it('counts, finds and heads only the events of those types', async () => {
      const s = stream('typed-count');
      await store.appendToStream(s, [marked(1), event(2), marked(3), event(4)], 'no_stream');
      const events = await store.readStream(s);
      expect(await store.countAfter(null, [s], 100, ['Marked.v1'])).toBe(2);
      expect(await store.countAfter(events[0].position, [s], 100, ['Marked.v1'])).toBe(1);
      expect(await store.countAfter(events[2].position, [s], 100, ['Marked.v1'])).toBe(0);
      expect(await store.countAfter(events[2].position, [s], 100)).toBe(1);
      const first = await eventuallyFound(() => store.firstEventAfter(events[0].position, [s], ['Marked.v1']));
      expect(first.data).toEqual({ n: 3 });
      expect(await store.headPosition([s], ['Marked.v1'])).toBe(events[2].position);
      expect(await store.headPosition([s])).toBe(events[3].position);
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
