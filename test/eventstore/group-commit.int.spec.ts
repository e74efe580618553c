import {
  APPEND_CHANNEL,
  EventRejectedError,
  GroupCommit,
  SqlEventStore,
  WrongExpectedRevisionError,
  type SqlClient,
} from '@tally/eventstore';
import { sqlBackends } from '../support/databases';

const event = (n: number | string) => ({ type: 'Counted.v1', data: { n } });
const transactionOf = (position: string) => position.split(':')[0];

/** A store over `db` that counts the statements it runs (from when this resolves). */
async function countingStatements(db: SqlClient): Promise<{ counted: SqlEventStore; statements: () => number }> {
  let statements = 0;
  const counting = new Proxy(db, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (name === 'query') return (...args: Parameters<SqlClient['query']>) => (statements++, target.query(...args));
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const counted = await SqlEventStore.create(counting);
  statements = 0;
  return { counted, statements: () => statements };
}

describe.each(sqlBackends())('group commit on the SQL event store (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  beforeEach(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterEach(() => close());

  it('commits the parts of appendMany in one transaction and notifies subscribers once', async () => {
    let notifications = 0;
    const unlisten = await db.listen(APPEND_CHANNEL, () => notifications++);
    const outcomes = await store.appendMany(
      Array.from({ length: 20 }, (_, i) => ({ stream: `s-${i}`, events: [event(i), event(i)], expected: 'no_stream' as const })),
    );
    const transactions = new Set(outcomes.map((o) => o.ok && transactionOf(o.result.position)));
    expect([...transactions]).toHaveLength(1);
    expect(transactions.has(false)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await unlisten();
    expect(notifications).toBe(1);
  });

  it('commits a group with claims in one statement, a taken claim refusing only its own part', async () => {
    await store.appendToStream('holder', [event(0)], 'no_stream', [
      { event: 0, account: 'a', source: 'svc', id: 'dup', kind: 'UsageAccepted', at: '2026-03-01T00:00:00.000Z' },
    ]);
    const { counted, statements } = await countingStatements(db);
    const claim = (account: string, id: string) => [
      { event: 0, account, source: 'svc', id, kind: 'UsageAccepted', at: '2026-03-02T00:00:00.000Z' },
    ];
    const outcomes = await counted.appendMany([
      ...Array.from({ length: 10 }, (_, i) => ({
        stream: `c-${i}`,
        events: [event(i)],
        expected: 'no_stream' as const,
        claims: claim(`acc-${i}`, 'u'),
      })),
      { stream: 'c-dup', events: [event(99)], expected: 'no_stream' as const, claims: claim('a', 'dup') },
    ]);
    expect(statements()).toBe(1);
    expect(outcomes.map((o) => o.ok)).toEqual([...Array<boolean>(10).fill(true), false]);
    expect(!outcomes[10].ok && outcomes[10].error.name).toBe('ClaimTakenError');
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from tally_claims');
    expect(rows[0].n).toBe(11);
    expect(await store.pruneClaims('2026-03-01T12:00:00.000Z')).toBe(1);
    expect(await store.readClaimed('a', [{ source: 'svc', id: 'dup' }], '2026-03-02T00:00:00.000Z')).toEqual([]);
  });

  it('refuses only the part whose data the store refuses, and appends the others', async () => {
    const outcomes = await store.appendMany([
      { stream: 'good-1', events: [event(1)], expected: 'no_stream' },
      { stream: 'bad', events: [event('nul\u0000byte')], expected: 'no_stream' },
      { stream: 'good-2', events: [event(2)], expected: 'no_stream' },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(!outcomes[1].ok && outcomes[1].error).toBeInstanceOf(EventRejectedError);
    expect(await store.readStream('bad')).toEqual([]);
    expect((await store.readStream('good-2')).map((e) => e.data)).toEqual([{ n: 2 }]);
  });

  it('isolates a refused payload by bisecting the group, its atomic unit refused whole, nothing of it written', async () => {
    const { counted, statements } = await countingStatements(db);
    const parts = Array.from({ length: 64 }, (_, i) => ({
      stream: `b-${i}`,
      events: [event(i)],
      expected: 'no_stream' as const,
    }));
    // Part 37 is refused by the database; 40 and 41 are one atomic unit, 41's payload refused.
    parts[37] = { ...parts[37], events: [event('nul\u0000byte')] };
    const unit = [
      { stream: 'b-40', events: [event(40)], expected: 'no_stream' as const, atomic: 'u' },
      { stream: 'b-41', events: [event(41), event('\u0000')], expected: 'no_stream' as const, atomic: 'u' },
    ];
    const outcomes = await counted.appendMany([...parts.slice(0, 40), ...unit, ...parts.slice(42)]);
    const refused = [37, 40, 41];
    expect(outcomes.map((o, i) => [i, o.ok])).toEqual(parts.map((_, i) => [i, !refused.includes(i)]));
    for (const i of refused) expect(!outcomes[i].ok && outcomes[i].error).toBeInstanceOf(EventRejectedError);
    for (const i of refused) expect(await store.readStream(`b-${i}`)).toEqual([]);
    const { rows } = await db.query<{ n: number }>("select count(*)::int as n from tally_events where stream_id like 'b-%'");
    expect(rows[0].n).toBe(61);
    // 63 units, two refused: a few statements per halving (log2 63 < 6) on the way to each, not one per part.
    expect(statements()).toBeLessThanOrEqual(1 + 2 * 2 * 6);
  });

  it('groups appends to distinct streams made together, and answers each with its own outcome', async () => {
    const groups: number[] = [];
    const commits = new GroupCommit(store, { maxStreams: 8, maxInFlight: 1, onGroup: (n) => groups.push(n) });
    await store.appendToStream('stale', [event(0)], 'no_stream');
    const settled = await Promise.allSettled([
      ...Array.from({ length: 20 }, (_, i) => commits.append(`g-${i}`, [event(i)], 'no_stream')),
      commits.append('stale', [event(1)], 'no_stream'),
      commits.append('refused', [event('\u0000')], 'no_stream'),
    ]);
    expect(settled.slice(0, 20).every((s) => s.status === 'fulfilled')).toBe(true);
    expect(settled[20].status === 'rejected' && settled[20].reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(settled[21].status === 'rejected' && settled[21].reason).toBeInstanceOf(EventRejectedError);
    // 22 appends, at most 8 per group: 3 groups, not 22 transactions.
    expect(groups).toEqual([8, 8, 6]);
  });
});
