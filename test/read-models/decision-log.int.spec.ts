import { serialize, streamNames, type TallyEvent } from '@tally/events';
import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import { PROJECTED_STREAM_PREFIXES, PROJECTIONS, ProjectionRunner, ReadModels, type DecisionView } from '@tally/read-models';
import { accepted, ended, held, rejected, reversed } from '@tally/read-models/testing';
import { sqlBackends } from '../support/databases';

const backends = sqlBackends();
const pad = (position: string) => position.replace(/\d+/g, (n) => n.padStart(20, '0'));

/**
 * The decision log keeps its position in two bigint columns (`decisions_v3`, and its fields in typed columns since `decisions_v4`); it answers as the
 * zero-padded text of `decisions_v2` did: newest first, and `before=` keeps the entries whose
 * position sorts below it as text, for every form the route accepts (one to four numbers).
 */
describe.each(backends)('the decision log on its position columns (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let reads: ReadModels;
  /** Each decision's id and the padded position of the event that last decided it, as v2 showed it. */
  let deciding: Map<string, string>;
  beforeAll(async () => {
    ({ db, close } = await open());
    const store = await SqlEventStore.create(db);
    const stream = streamNames.accountPeriod('acme', '2026-11');
    // Five appends (five transactions): positions differ in their first number, and within an append in the second.
    const appends: TallyEvent[][] = [
      [accepted({ id: 'a', quantity: 3 }), rejected({ id: 'b' }), held('h1', 4)],
      [accepted({ id: 'c' }), held('h2', 3)],
      [ended('h1', 2), accepted({ id: 'h1', quantity: 2 })],
      [reversed({ id: 'a' }, 0, '2026-11-06T00:00:00.000Z')],
      [ended('h2', null), accepted({ id: 'd' })],
    ];
    for (const events of appends) await store.appendToStream(stream, events.map(serialize), 'any');
    const recorded = await store.readAllAfter(null, PROJECTED_STREAM_PREFIXES, 1000);
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    await runner.apply(recorded);
    reads = new ReadModels(db);
    deciding = new Map(
      recorded
        .filter((r) => /^Usage(Accepted|Rejected|Held)\b/.test(r.type))
        .map((r) => [(r.data as { id: string }).id, pad(r.position)]),
    );
  });
  afterAll(() => close());

  const all = () => reads.decisions('acme', 1000);
  const ids = (entries: DecisionView[]) => entries.map((e) => e.id);

  it('lists every decision newest first, at the position of the event that decided it, reversals and holds marked', async () => {
    const log = await all();
    expect(ids(log)).toEqual(['d', 'h1', 'h2', 'c', 'b', 'a']);
    for (const entry of log) expect(entry.position).toBe(deciding.get(entry.id));
    expect(log.find((e) => e.id === 'a')).toMatchObject({
      quantity: 3,
      reversedAt: '2026-11-06T00:00:00.000Z',
      reversalReason: 'duplicate',
      reservation: null,
      reportedBy: 'kafka',
    });
    expect(log.find((e) => e.id === 'b')).toMatchObject({ decision: 'rejected', reason: 'QUOTA_EXCEEDED', reversedAt: null });
    expect(log.find((e) => e.id === 'h1')).toMatchObject({ quantity: 2, reservation: { held: 4, status: 'committed' } });
    expect(log.find((e) => e.id === 'h2')).toMatchObject({ reservation: { held: 3, status: 'released' } });
  });

  it('walks pages by the last entry position, visiting each decision once', async () => {
    const walked: string[] = [];
    let before: string | null = null;
    for (;;) {
      const page = await reads.decisions('acme', 2, before);
      if (page.length === 0) break;
      walked.push(...ids(page));
      before = page[page.length - 1].position;
    }
    expect(walked).toEqual(ids(await all()));
  });

  it('keeps, for any form of before=, the entries whose position sorts below it as text, as v2 did', async () => {
    const log = await all();
    const positions = log.map((e) => e.position);
    const [hi, lo] = positions[2].split(':');
    const lower = (n: string) => (BigInt(n) - 1n).toString().padStart(20, '0');
    const forms = [
      ...positions,
      hi,
      `${hi}:${lo}:${'0'.padStart(20, '0')}`,
      `${hi}:${lo}:${'0'.padStart(20, '0')}:${'9'.repeat(20)}`,
      `${hi}:${lower(lo)}`,
      `${lower(hi)}:${'9'.repeat(20)}`,
      `${hi}:${'9'.repeat(20)}`,
      `${hi}:${'9'.repeat(20)}:${'0'.padStart(20, '0')}`,
      '9'.repeat(20),
      '0'.padStart(20, '0'),
    ];
    for (const before of forms) {
      const page = await reads.decisions('acme', 1000, before);
      expect([before, ids(page)]).toEqual([before, ids(log.filter((e) => e.position < before))]);
    }
  });

  it('finds the accounts of a usage by source and id', async () => {
    expect(await reads.accountsOfUsage('svc', 'a')).toEqual(['acme']);
    expect(await reads.accountsOfUsage('svc', 'ghost')).toEqual([]);
  });

  it("stores a decision's fields in typed columns, the position in two bigint columns, the document only for its notes", async () => {
    const { rows } = await db.query<Record<string, unknown>>(
      `select doc, seq_hi::text as hi, subject, meter, quantity::text as quantity, reason, decided_at
         from decisions_v4 where source = 'svc' and account = 'acme' and id in ('b', 'a') order by id`,
    );
    expect(rows.map(({ hi: _, ...row }) => row)).toEqual([
      {
        doc: { reversedAt: '2026-11-06T00:00:00.000Z', reversalReason: 'duplicate' },
        subject: 'alice',
        meter: 'geo',
        quantity: '3',
        reason: null,
        decided_at: '2026-11-05T00:00:00.000Z',
      },
      {
        doc: null,
        subject: 'alice',
        meter: 'geo',
        quantity: '1',
        reason: 'QUOTA_EXCEEDED',
        decided_at: '2026-11-05T00:00:00.000Z',
      },
    ]);
    expect(pad(rows[1].hi as string)).toBe((deciding.get('b') as string).split(':')[0]);
  });
});

/**
 * Positions within one append differ in their second number, which may gain a digit between two
 * decisions (…:9 then …:10): the log sorts the columns as numbers, not their text.
 */
describe.each(backends)('the decision log within one large append (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
  });
  afterAll(() => close());

  it('lists the decisions of one append newest first across a digit of their position', async () => {
    // Given twelve decisions appended together: their positions' second numbers run 1 to 12
    const store = await SqlEventStore.create(db);
    const ids = Array.from({ length: 12 }, (_, i) => `u${i}`);
    const stream = streamNames.accountPeriod('acme', '2026-11');
    await store.appendToStream(
      stream,
      ids.map((id) => serialize(accepted({ id }))),
      'any',
    );
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    await runner.apply(await store.readAllAfter(null, PROJECTED_STREAM_PREFIXES, 1000));

    // When the log is read, whole and a page before the tenth's position
    const log = await new ReadModels(db).decisions('acme', 1000);
    const page = await new ReadModels(db).decisions('acme', 3, log[2].position);

    // Then newest first: the tenth to twelfth (two-digit positions) before the first nine
    expect(log.map((e) => e.id)).toEqual([...ids].reverse());
    expect(page.map((e) => e.id)).toEqual(['u8', 'u7', 'u6']);
  });
});
