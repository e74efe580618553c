import { ClaimTakenError, WrongExpectedRevisionError, type Claim, type EventStore } from '@tally/eventstore';
import { randomUUID } from 'node:crypto';
import { event } from './reading-in-order.contract';

const DAY = 24 * 60 * 60 * 1000;
const at = (days: number) => new Date(Date.parse('2026-03-01T00:00:00.000Z') + days * DAY).toISOString();

/**
 * Claims (the 35-day duplicate rule's index), part of the contract every adapter passes: a claim
 * is made with its event or not at all, a taken one refuses its append (and only its part of a
 * group commit), and it answers for 35 days. `store()` is the contract's open store and
 * `stream(name)` a stream name no other test uses.
 */
export function claimsContract(store: () => EventStore, stream: (name: string) => string): void {
  // Accounts of every test are unique, so tests never see each other's claims.
  const account = () => `claims-${randomUUID().slice(0, 8)}`;
  const claim = (owner: string, id: string, when: string, index = 0, kind = 'UsageAccepted'): Claim => ({
    event: index,
    account: owner,
    source: 'svc',
    id,
    kind,
    at: when,
  });

  it('finds the event that holds a claim, and refuses a second append claiming it, writing nothing', async () => {
    const owner = account();
    const [first, second] = [stream('first'), stream('second')];
    await store().appendToStream(first, [event(0), event(1)], 'no_stream', [claim(owner, 'u1', at(0), 1)]);
    const claimed = await store().readClaimed(owner, [{ source: 'svc', id: 'u1' }], at(1));
    expect(claimed.map((e) => [e.streamName, e.revision, e.data])).toEqual([[first, 1n, { n: 1 }]]);

    const again = store().appendToStream(second, [event(2)], 'no_stream', [claim(owner, 'u1', at(1))]);
    await expect(again).rejects.toBeInstanceOf(ClaimTakenError);
    await expect(again).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store().readStream(second)).toEqual([]);
    // Another kind, another id or another account is another claim.
    await store().appendToStream(second, [event(3)], 'no_stream', [claim(owner, 'u1', at(1), 0, 'UsageReversed')]);
    await store().appendToStream(second, [event(4)], 0n, [claim(owner, 'u2', at(1))]);
    await store().appendToStream(second, [event(5)], 1n, [claim(account(), 'u1', at(1))]);
    expect((await store().readStream(second)).map((e) => e.data)).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    const both = await store().readClaimed(owner, [{ source: 'svc', id: 'u1' }], at(1));
    expect(both.map((e) => e.data)).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('answers for 35 days: an older claim neither answers nor blocks a new one', async () => {
    const owner = account();
    const s = stream('window');
    await store().appendToStream(s, [event(0)], 'no_stream', [claim(owner, 'old', at(0))]);
    expect(await store().readClaimed(owner, [{ source: 'svc', id: 'old' }], at(35))).toHaveLength(1);
    expect(await store().readClaimed(owner, [{ source: 'svc', id: 'old' }], at(36))).toEqual([]);
    await expect(store().appendToStream(s, [event(1)], 0n, [claim(owner, 'old', at(35))])).rejects.toBeInstanceOf(
      ClaimTakenError,
    );
    await store().appendToStream(s, [event(2)], 0n, [claim(owner, 'old', at(36))]);
    const renewed = await store().readClaimed(owner, [{ source: 'svc', id: 'old' }], at(36));
    expect(renewed.map((e) => e.data)).toEqual([{ n: 2 }]);
  });

  it('refuses only the group-commit part whose claim is taken, and claims for the others', async () => {
    const owner = account();
    const [holder, taken, free, plain] = [stream('holder'), stream('taken'), stream('free'), stream('plain')];
    await store().appendToStream(holder, [event(0)], 'no_stream', [claim(owner, 'dup', at(0))]);
    const outcomes = await store().appendMany([
      { stream: taken, events: [event(1)], expected: 'no_stream', claims: [claim(owner, 'dup', at(1))] },
      { stream: free, events: [event(2), event(3)], expected: 'no_stream', claims: [claim(owner, 'new', at(1), 1)] },
      { stream: plain, events: [event(4)], expected: 'no_stream' },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true, true]);
    expect(!outcomes[0].ok && outcomes[0].error).toBeInstanceOf(ClaimTakenError);
    expect(await store().readStream(taken)).toEqual([]);
    const claimed = await store().readClaimed(
      owner,
      [
        { source: 'svc', id: 'new' },
        { source: 'svc', id: 'dup' },
      ],
      at(1),
    );
    expect(claimed.map((e) => [e.streamName, e.data])).toEqual([
      [holder, { n: 0 }],
      [free, { n: 3 }],
    ]);
  });

  it("reads a stream's events since a revision with the claims of ids, each of many reads asked at once its own", async () => {
    // Given six streams of two events each, the second claiming an id of its stream's account, and a claim 40 days old
    const owners = Array.from({ length: 6 }, () => account());
    const streams = owners.map((_, i) => stream(`fresh-${i}`));
    for (const [i, s] of streams.entries()) {
      await store().appendToStream(s, [event(10 * i), event(10 * i + 1)], 'no_stream', [claim(owners[i], `id-${i}`, at(40), 1)]);
    }
    await store().appendToStream(stream('fresh-old'), [event(99)], 'no_stream', [claim(owners[0], 'old', at(0))]);

    // When each stream is read from its second event on, with the claims of its own id (of none for the last), all at once
    const reads = await Promise.all(
      streams.map((s, i) =>
        store().readStreamWithClaimed(
          s,
          1n,
          i === 5
            ? null
            : {
                account: owners[i],
                keys: [
                  { source: 'svc', id: `id-${i}` },
                  { source: 'svc', id: 'old' },
                ],
                now: at(41),
              },
        ),
      ),
    );

    // Then each gets its stream's second event and the event holding its id's claim; the expired claim answers for nothing
    expect(reads.map((r) => [r.events.map((e) => e.data), r.claimed.map((e) => [e.streamName, e.data])])).toEqual(
      streams.map((s, i) => [[{ n: 10 * i + 1 }], i === 5 ? [] : [[s, { n: 10 * i + 1 }]]]),
    );
    expect(await store().readStreamWithClaimed(stream('fresh-none'), 0n, null)).toEqual({ events: [], claimed: [] });
  });

  it('leaves no claim behind when the append conflicts on its revision', async () => {
    const owner = account();
    const s = stream('conflict');
    await store().appendToStream(s, [event(0)], 'no_stream');
    await expect(store().appendToStream(s, [event(1)], 'no_stream', [claim(owner, 'lost', at(0))])).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    expect(await store().readClaimed(owner, [{ source: 'svc', id: 'lost' }], at(0))).toEqual([]);
    await store().appendToStream(s, [event(2)], 0n, [claim(owner, 'lost', at(0))]);
    expect((await store().readClaimed(owner, [{ source: 'svc', id: 'lost' }], at(0))).map((e) => e.data)).toEqual([{ n: 2 }]);
  });
}

/** Snapshots, part of the contract every adapter passes: the newest one per stream is kept. */
export function snapshotsContract(store: () => EventStore, stream: (name: string) => string): void {
  it('keeps the newest snapshot of a stream, ignoring an older one written after it', async () => {
    const s = stream('snap');
    expect(await store().readSnapshot(s)).toBeNull();
    await store().writeSnapshot(s, { revision: 5n, data: { version: 1, n: 5 } });
    await store().writeSnapshot(s, { revision: 9n, data: { version: 1, n: 9 } });
    await store().writeSnapshot(s, { revision: 7n, data: { version: 1, n: 7 } });
    expect(await store().readSnapshot(s)).toEqual({ revision: 9n, data: { version: 1, n: 9 } });
    expect(await store().readSnapshot(stream('other'))).toBeNull();
  });
}
