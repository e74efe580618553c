import { randomUUID } from 'node:crypto';
import { ClaimTakenError, WrongExpectedRevisionError, type Claim, type EventStore } from '@tally/eventstore';
import { event } from './reading-in-order.contract';

/**
 * `appendAtomically` (how an account is registered: its root stream and its first period),
 * part of the contract every adapter passes. On a store with transactions across streams
 * (`atomicAcrossStreams`: PostgreSQL, PGlite) it is all or nothing; on one without (EventStoreDB)
 * it appends the parts in the order given and stops at the first failure, the earlier parts
 * written. `store()` is the contract's open store and `stream(name)` a stream name no other test uses.
 */
export function appendAtomicallyContract(store: () => EventStore, stream: (name: string) => string): void {
  const claim = (account: string, id: string): Claim => ({
    event: 0,
    account,
    source: 'svc',
    id,
    kind: 'UsageAccepted',
    at: '2026-03-01T00:00:00.000Z',
  });
  const data = async (s: string) => (await store().readStream(s)).map((e) => e.data);

  it('writes every part at its revision, results in the order given', async () => {
    const [root, period] = [stream('root'), stream('period')];
    await store().appendToStream(period, [event(0)], 'no_stream');
    const results = await store().appendAtomically([
      { stream: root, events: [event(1)], expected: 'no_stream' },
      { stream: period, events: [event(2), event(3)], expected: 0n, claims: [claim(`acct-${randomUUID()}`, 'u1')] },
    ]);
    expect(results.map((r) => r.nextRevision)).toEqual([0n, 2n]);
    expect(await data(root)).toEqual([{ n: 1 }]);
    expect(await data(period)).toEqual([{ n: 0 }, { n: 2 }, { n: 3 }]);
    const [lastOfPeriod] = (await store().readStream(period, 2n)).map((e) => e.position);
    expect(results[1].position).toBe(lastOfPeriod);
  });

  it('writes no part when a later part is not at its revision (in order, without multi-stream transactions)', async () => {
    const [root, period] = [stream('root'), stream('period')];
    await store().appendToStream(period, [event(0)], 'no_stream');
    const append = store().appendAtomically([
      { stream: root, events: [event(1)], expected: 'no_stream' },
      { stream: period, events: [event(2)], expected: 'no_stream' },
    ]);
    await expect(append).rejects.toEqual(new WrongExpectedRevisionError(period, 'no_stream', 0n));
    expect(await data(period)).toEqual([{ n: 0 }]);
    // Where the store cannot append across streams atomically, the root before it stays written.
    expect(await data(root)).toEqual(store().atomicAcrossStreams ? [] : [{ n: 1 }]);
  });

  it('writes no part when the first part is not at its revision', async () => {
    const [root, period] = [stream('root'), stream('period')];
    await store().appendToStream(root, [event(0)], 'no_stream');
    const append = store().appendAtomically([
      { stream: root, events: [event(1)], expected: 'no_stream' },
      { stream: period, events: [event(2)], expected: 'no_stream' },
    ]);
    await expect(append).rejects.toEqual(new WrongExpectedRevisionError(root, 'no_stream', 0n));
    expect(await data(root)).toEqual([{ n: 0 }]);
    expect(await data(period)).toEqual([]);
  });

  it('writes no part, and makes no claim, when a claim of one part is taken', async () => {
    const account = `acct-${randomUUID()}`;
    const [earlier, root, period] = [stream('earlier'), stream('root'), stream('period')];
    await store().appendToStream(earlier, [event(0)], 'no_stream', [claim(account, 'u1')]);
    const append = store().appendAtomically([
      { stream: root, events: [event(1)], expected: 'no_stream' },
      {
        stream: period,
        events: [event(2), event(3)],
        expected: 'no_stream',
        claims: [claim(account, 'u2'), { ...claim(account, 'u1'), event: 1 }],
      },
    ]);
    await expect(append).rejects.toBeInstanceOf(ClaimTakenError);
    expect(await data(period)).toEqual([]);
    expect(await data(root)).toEqual(store().atomicAcrossStreams ? [] : [{ n: 1 }]);
    if (store().atomicAcrossStreams) {
      // u2's claim was not made either: it can be claimed by another event.
      expect(await store().readClaimed(account, [{ source: 'svc', id: 'u2' }], '2026-03-02T00:00:00.000Z')).toEqual([]);
    }
  });

  it('in a group commit, fails the parts that share an atomic key together and appends the others', async () => {
    const [root, period, other, root2, period2] = [
      stream('root'),
      stream('period'),
      stream('other'),
      stream('root2'),
      stream('period2'),
    ];
    await store().appendToStream(period, [event(0)], 'no_stream');
    const outcomes = await store().appendMany([
      { stream: root, events: [event(1)], expected: 'no_stream', atomic: 'a' },
      { stream: other, events: [event(5)], expected: 'no_stream' },
      { stream: period, events: [event(2)], expected: 'no_stream', atomic: 'a' },
      { stream: root2, events: [event(3)], expected: 'no_stream', atomic: 'b' },
      { stream: period2, events: [event(4)], expected: 'no_stream', atomic: 'b' },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true, false, true, true]);
    const failed = new WrongExpectedRevisionError(period, 'no_stream', 0n);
    expect(outcomes[0].ok || outcomes[0].error).toEqual(failed);
    expect(outcomes[2].ok || outcomes[2].error).toEqual(failed);
    expect(await data(root)).toEqual(store().atomicAcrossStreams ? [] : [{ n: 1 }]);
    expect(await data(period)).toEqual([{ n: 0 }]);
    expect(await data(other)).toEqual([{ n: 5 }]);
    expect([await data(root2), await data(period2)]).toEqual([[{ n: 3 }], [{ n: 4 }]]);
  });

  it('lets exactly one of many racing registrations write, whole', async () => {
    const [root, period] = [stream('root'), stream('period')];
    const writers = Array.from({ length: 8 }, (_, w) =>
      store()
        .appendAtomically([
          { stream: root, events: [event(w)], expected: 'no_stream' },
          { stream: period, events: [event(w * 10), event(w * 10 + 1)], expected: 'no_stream' },
        ])
        .then(
          () => w,
          (error: unknown) => {
            if (!(error instanceof WrongExpectedRevisionError)) throw error;
            return null;
          },
        ),
    );
    const winners = (await Promise.all(writers)).filter((w) => w !== null);
    expect(winners).toHaveLength(1);
    const [w] = winners;
    expect(await data(root)).toEqual([{ n: w }]);
    expect(await data(period)).toEqual([{ n: w * 10 }, { n: w * 10 + 1 }]);
  });
}
