import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import { sqlBackends } from '../support/databases';
import { event, stream } from './reading-in-order.contract';

/** `db`, counting the statements run under each prepared name. */
function counted(db: SqlClient): { db: SqlClient; statements: (name: string) => number } {
  const byName = new Map<string, number>();
  const wrapped = new Proxy(db, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (name !== 'query') return value.bind(target);
      return (sql: string, params?: unknown[], options?: { prepare?: string }) => {
        if (options?.prepare) byName.set(options.prepare, (byName.get(options.prepare) ?? 0) + 1);
        return target.query(sql, params, options);
      };
    },
  });
  return { db: wrapped, statements: (name) => byName.get(name) ?? 0 };
}

describe.each(sqlBackends())('reads of many streams asked at once (%s)', (_name, open) => {
  let close: () => Promise<void>;
  let store: SqlEventStore;
  let statements: (name: string) => number;
  beforeAll(async () => {
    const opened = await open();
    close = opened.close;
    let db: SqlClient;
    ({ db, statements } = counted(opened.db));
    store = await SqlEventStore.create(db);
  });
  afterAll(() => close());

  it('go out together: last events of 60 streams, read by 60 callers at once, in a few statements', async () => {
    // Given 60 streams, one of them never written
    const streams = Array.from({ length: 60 }, () => stream());
    await Promise.all(streams.slice(1).map((s, i) => store.appendToStream(s, [event(i), event(i + 1)], 'no_stream')));
    const before = statements('tally_last_events_v1');
    // When each stream's last event is asked for by a caller of its own, at the same moment
    const read = await Promise.all(streams.map((s) => store.readLastEvent(s)));
    // Then each caller has its own stream's, and the reads shared their statements
    expect(read.map((e) => e && [e.streamName, e.revision, e.data])).toEqual(
      streams.map((s, i) => (i === 0 ? null : [s, 1n, { n: i }])),
    );
    const used = statements('tally_last_events_v1') - before;
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(streams.length / 4);
  });

  it('go out together: snapshots of 40 streams, read by 40 callers at once, in a few statements', async () => {
    // Given 40 streams, every other one with a snapshot
    const streams = Array.from({ length: 40 }, () => stream());
    await Promise.all(
      streams.map((s, i) => (i % 2 === 0 ? store.writeSnapshot(s, { revision: BigInt(i), data: { version: 1, n: i } }) : null)),
    );
    const before = statements('tally_snapshots_read_v1');
    // When each stream's snapshot is asked for at the same moment
    const read = await Promise.all(streams.map((s) => store.readSnapshot(s)));
    // Then each has its own (or none), and the reads shared their statements
    expect(read).toEqual(streams.map((_, i) => (i % 2 === 0 ? { revision: BigInt(i), data: { version: 1, n: i } } : null)));
    const used = statements('tally_snapshots_read_v1') - before;
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(streams.length / 4);
  });

  it('see what was appended before they were asked, even while an earlier statement is out', async () => {
    // Given a stream, and a last-event read of it out
    const s = stream();
    await store.appendToStream(s, [event(1)], 'no_stream');
    const early = store.readLastEvent(s);
    // When an event is appended and the stream's last event asked for again
    await store.appendToStream(s, [event(2)], 0n);
    const late = await store.readLastEvent(s);
    // Then the later read sees it
    expect(late?.data).toEqual({ n: 2 });
    expect((await early)?.revision).toBeDefined();
  });
});
