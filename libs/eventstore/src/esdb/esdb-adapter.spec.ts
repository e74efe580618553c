import { Readable } from 'node:stream';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { compareCheckpoints, toRecorded } from './esdb-mapping';
import { EsdbSubscription } from './esdb-subscription';

// These specs exercise the adapter's own logic (mapping, batching, resuming) against a
// stand-in for the client's subscription stream. They are not a substitute for the contract
// suite against a real EventStoreDB (test/eventstore/eventstoredb.int.spec.ts).

const resolved = (commit: number, stream = 'account-a/2026-11', isJson = true) => ({
  event: {
    streamId: stream,
    id: `id-${commit}`,
    isJson,
    revision: BigInt(commit),
    type: 'UsageAccepted.v1',
    created: new Date('2026-11-22T10:00:00Z'),
    data: { n: commit },
    metadata: undefined,
    position: { commit: BigInt(commit), prepare: BigInt(commit) },
  },
});

function fakeClient(events: unknown[], options: { fail?: Error } = {}) {
  const calls: Array<Record<string, unknown>> = [];
  const client = {
    subscribeToAll(args: Record<string, unknown>) {
      calls.push(args);
      const stream = new Readable({ objectMode: true, read() {} }) as Readable & { unsubscribe(): Promise<void> };
      stream.unsubscribe = async () => void stream.destroy();
      setImmediate(() => {
        for (const e of events) stream.push(e);
        if (options.fail) stream.emit('error', options.fail);
      });
      return stream;
    },
  };
  return { client: client as unknown as EventStoreDBClient, calls };
}

async function take(subscription: EsdbSubscription, count: number) {
  const batches = [];
  let seen = 0;
  for await (const batch of subscription) {
    batches.push(batch);
    seen += batch.length;
    if (seen >= count) break;
  }
  await subscription.close();
  return batches;
}

describe('EventStoreDB adapter logic', () => {
  it('maps JSON events with their $all position and skips others', () => {
    expect(toRecorded(resolved(7) as never)).toEqual({
      streamName: 'account-a/2026-11',
      revision: 7n,
      position: '7:7',
      type: 'UsageAccepted.v1',
      data: { n: 7 },
      createdAt: '2026-11-22T10:00:00.000Z',
    });
    expect(toRecorded(resolved(7, 'x', false) as never)).toBeNull();
    expect(toRecorded({} as never)).toBeNull();
  });

  it('orders checkpoints by commit, then prepare position', () => {
    expect(compareCheckpoints('10:5', '9:99')).toBe(1);
    expect(compareCheckpoints('10:5', '10:6')).toBe(-1);
    expect(compareCheckpoints('10:5', '10:5')).toBe(0);
    expect(() => compareCheckpoints('x', '1:1')).toThrow('not an EventStoreDB checkpoint');
  });

  it('subscribes to $all filtered by prefix from the stored position, delivering batches in order', async () => {
    const { client, calls } = fakeClient([resolved(3), resolved(4), resolved(5), resolved(6), resolved(7)]);
    const batches = await take(new EsdbSubscription(client, { from: '4:4', prefixes: ['account-'], batchSize: 2 }), 3);
    expect(calls[0].fromPosition).toEqual({ commit: 4n, prepare: 4n });
    expect(calls[0].filter).toMatchObject({ filterOn: 'streamName', prefixes: ['account-'] });
    // 3 and 4 are at or before the checkpoint: never delivered again.
    expect(batches.map((b) => b.map((e) => e.position))).toEqual([['5:5', '6:6'], ['7:7']]);
  });

  it('starts from the beginning without a checkpoint, and surfaces a subscription error', async () => {
    const { client, calls } = fakeClient([resolved(1)], { fail: new Error('connection lost') });
    const subscription = new EsdbSubscription(client, { from: null, prefixes: ['account-'] });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const batch of subscription) seen.push(...batch.map((e) => e.position));
      })(),
    ).rejects.toThrow('connection lost');
    expect(calls[0].fromPosition).toBe('start');
  });
});
