import { WrongExpectedRevisionError, type EventStore } from '@tally/eventstore';
import { event } from './reading-in-order.contract';

/**
 * `appendMany` (a group commit), part of the contract every adapter passes: each part is checked
 * against its own expected revision and fails alone. `store()` is the contract's open store and
 * `stream(name)` a stream name no other test uses.
 */
export function appendManyContract(store: () => EventStore, stream: (name: string) => string): void {
  it('appends to several streams at once, each at its own revision, outcomes in the order given', async () => {
    const [a, b, c] = [stream('a'), stream('b'), stream('c')];
    await store().appendToStream(b, [event(0), event(1)], 'no_stream');
    const outcomes = await store().appendMany([
      { stream: a, events: [event(10), event(11), event(12)], expected: 'no_stream' },
      { stream: b, events: [event(2)], expected: 1n },
      { stream: c, events: [event(20)], expected: 'any' },
    ]);
    expect(outcomes.map((o) => o.ok && o.result.nextRevision)).toEqual([2n, 2n, 0n]);
    expect((await store().readStream(a)).map((e) => [e.revision, e.data])).toEqual([
      [0n, { n: 10 }],
      [1n, { n: 11 }],
      [2n, { n: 12 }],
    ]);
    expect((await store().readStream(b)).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    const [lastOfA] = (await store().readStream(a, 2n)).map((e) => e.position);
    expect(outcomes[0].ok && outcomes[0].result.position).toBe(lastOfA);
  });

  it('refuses only the part whose stream is not at its expected revision', async () => {
    const [behind, fresh, taken] = [stream('behind'), stream('fresh'), stream('taken')];
    await store().appendToStream(behind, [event(0), event(1)], 'no_stream');
    await store().appendToStream(taken, [event(0)], 'no_stream');
    const outcomes = await store().appendMany([
      { stream: behind, events: [event(9)], expected: 0n },
      { stream: fresh, events: [event(1)], expected: 'no_stream' },
      { stream: taken, events: [event(9)], expected: 'no_stream' },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true, false]);
    const [first, , third] = outcomes;
    expect(!first.ok && first.error).toEqual(new WrongExpectedRevisionError(behind, 0n, 1n));
    expect(!third.ok && third.error).toBeInstanceOf(WrongExpectedRevisionError);
    expect((await store().readStream(behind)).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }]);
    expect((await store().readStream(fresh)).map((e) => e.data)).toEqual([{ n: 1 }]);
  });

  it('lets exactly one of many racing group commits take each revision, never part of a part', async () => {
    const streams = Array.from({ length: 6 }, (_, i) => stream(`race${i}`));
    // 8 writers each try to append 3 events to every stream at revision no_stream, in their own order.
    const writers = Array.from({ length: 8 }, (_, w) =>
      store().appendMany(
        streams
          .map((_, i) => streams[(i + w) % streams.length])
          .map((s) => ({
            stream: s,
            events: [event(w * 10), event(w * 10 + 1), event(w * 10 + 2)],
            expected: 'no_stream' as const,
          })),
      ),
    );
    const results = await Promise.all(writers);
    for (const s of streams) {
      const events = await store().readStream(s);
      const winner = (events[0].data as { n: number }).n / 10;
      expect(events.map((e) => [e.revision, e.data])).toEqual([
        [0n, { n: winner * 10 }],
        [1n, { n: winner * 10 + 1 }],
        [2n, { n: winner * 10 + 2 }],
      ]);
      const okFor = results.filter((outcomes, w) => outcomes[(streams.indexOf(s) - w + 6 * 8) % 6].ok);
      expect(okFor).toHaveLength(1);
    }
  });
}
