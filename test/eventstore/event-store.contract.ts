import {
  ConcurrencyRetriesExhaustedError,
  WrongExpectedRevisionError,
  retryOnConflict,
  type EventStore,
} from '@tally/eventstore';
import { appendAtomicallyContract } from './append-atomically.contract';
import { appendManyContract } from './append-many.contract';
import { claimsContract, snapshotsContract } from './claims.contract';
import { event, readingInOrderContract, stream } from './reading-in-order.contract';

/**
 * The behaviour every event-store adapter must have. One file, run against each adapter by
 * its own *.int.spec.ts, so that PostgreSQL, PGlite and EventStoreDB cannot drift apart.
 */
export function eventStoreContract(open: () => Promise<{ store: EventStore; close(): Promise<void> }>): void {
  let store: EventStore;
  let close: () => Promise<void>;

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

    it('gives the stored time as an ISO instant in UTC with milliseconds, as Date#toISOString writes it', async () => {
      const before = Date.now();
      const s = stream();
      await store.appendToStream(s, [event(1)], 'no_stream');
      const [read] = await store.readStream(s);
      expect(read.createdAt).toBe(new Date(read.createdAt).toISOString());
      expect(Math.abs(Date.parse(read.createdAt) - before)).toBeLessThan(60_000);
    });

    it('appends at the expected revision', async () => {
      const s = stream();
      await store.appendToStream(s, [event(1)], 'no_stream');
      const result = await store.appendToStream(s, [event(2)], 0n);
      expect(result.nextRevision).toBe(1n);
      expect((await store.readStream(s)).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it('reads several streams whole in one call, each in order, in the order asked, nothing for a missing one', async () => {
      const [a, b, missing] = [stream(), stream(), stream()];
      await store.appendToStream(a, [event(1), event(2)], 'no_stream');
      await store.appendToStream(b, [event(3)], 'no_stream');
      await store.appendToStream(a, [event(4)], 1n);
      const read = await store.readStreams([b, missing, a]);
      expect(read.map((events) => events.map((e) => [e.streamName, e.revision, e.data]))).toEqual([
        [[b, 0n, { n: 3 }]],
        [],
        [
          [a, 0n, { n: 1 }],
          [a, 1n, { n: 2 }],
          [a, 2n, { n: 4 }],
        ],
      ]);
      expect(await store.readStreams([])).toEqual([]);
    });

    it('reads from a revision on, the last event, and nothing for a missing stream', async () => {
      const s = stream();
      await store.appendToStream(s, [event(1), event(2), event(3)], 'no_stream');
      expect((await store.readStream(s, 1n)).map((e) => e.data)).toEqual([{ n: 2 }, { n: 3 }]);
      // A page: at most maxCount events from the revision, none past the end.
      expect((await store.readStream(s, 0n, 2)).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
      expect((await store.readStream(s, 2n, 2)).map((e) => e.data)).toEqual([{ n: 3 }]);
      expect(await store.readStream(s, 3n, 2)).toEqual([]);
      expect((await store.readLastEvent(s))?.data).toEqual({ n: 3 });
      expect(await store.readStream(stream('missing'))).toEqual([]);
      expect(await store.readLastEvent(stream('missing'))).toBeNull();
    });

    it('reads the last events of several streams in one call, each as readLastEvent gives it, in the order asked', async () => {
      const [a, b, missing] = [stream(), stream(), stream()];
      await store.appendToStream(a, [event(1), event(2)], 'no_stream');
      await store.appendToStream(b, [event(3)], 'no_stream');
      await store.appendToStream(a, [event(4)], 1n);
      const asked = [b, missing, a, b, stream('missing-too')];
      const read = await store.readLastEvents(asked);
      expect(read.map((e) => e && [e.streamName, e.revision, e.data])).toEqual([
        [b, 0n, { n: 3 }],
        null,
        [a, 2n, { n: 4 }],
        [b, 0n, { n: 3 }],
        null,
      ]);
      // The same events, position and time included, as one read per stream gives.
      expect(read).toEqual(await Promise.all(asked.map((s) => store.readLastEvent(s))));
      expect(await store.readLastEvents([])).toEqual([]);
    });

    it('answers many last-event reads asked at once each with its own stream, however they are grouped', async () => {
      const streams = Array.from({ length: 120 }, () => stream());
      await Promise.all(
        streams.map((s, i) =>
          store.appendToStream(
            s,
            Array.from({ length: (i % 3) + 1 }, () => event(i)),
            'no_stream',
          ),
        ),
      );
      const asked = [...streams, stream('missing'), ...streams.slice(0, 5)];
      const one = await Promise.all(asked.map((s) => store.readLastEvent(s)));
      expect(one.map((e) => e && [e.streamName, e.revision, e.data])).toEqual(
        asked.map((s) => {
          const i = streams.indexOf(s);
          return i < 0 ? null : [s, BigInt(i % 3), { n: i }];
        }),
      );
      expect(await store.readLastEvents(asked)).toEqual(one);
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

  describe('append to several streams atomically', () => appendAtomicallyContract(() => store, stream));

  describe('claims: the duplicate index', () => claimsContract(() => store, stream));

  describe('snapshots', () => snapshotsContract(() => store, stream));

  readingInOrderContract(() => store);
}
