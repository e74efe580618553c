import { serialize, streamNames, type AccountEvent } from '@tally/events';
import { SqlEventStore, type QueryOptions, type SqlClient, type SqlQueryable, type SqlReader } from '@tally/eventstore';
import { PROJECTIONS, ProjectionRunner, billingPages, credits, creditLedger, ledgerPages, tableOf } from '@tally/read-models';
import { describeIf, infra } from '../infra/infra';
import { sqlBackends, type OpenDatabase } from '../support/databases';
import { expired, opened, promo, readProjected } from '../support/promo-expiry';

// PostgreSQL only: embedded PGlite's snapshot isolates nothing, by choice (PgliteClient.snapshot):
// holding its one connection through an export would stall every decision until the client read
// the last page.
const openPostgres: OpenDatabase = () => {
  const postgres = sqlBackends().find(([name]) => name === 'postgres');
  if (!postgres) throw new Error('PostgreSQL is not available');
  return postgres[1]();
};

const use = (id: string, meter: string): AccountEvent => ({
  type: 'UsageAccepted',
  data: {
    ...{ account: 'acme', source: 'svc', id, subject: 'alice', meter, quantity: 1, time: '2026-11-05T00:00:00.000Z' },
    ...{ month: '2026-11', usage: 0, limit: null, remaining: null, overage: 0, decidedAt: '2026-11-05T00:00:00.000Z' },
    ...{ reportedBy: 'kafka', creditsCharged: 0 },
  },
});

const NOW = '2026-11-20T00:00:00.000Z';

/** `db`, with `after(sql)` awaited once each statement has answered, in its snapshots too. */
function watched(db: SqlReader, after: (sql: string) => Promise<void>): SqlReader {
  const watch = (q: SqlQueryable): SqlQueryable => ({
    async query<R>(sql: string, params?: unknown[], options?: QueryOptions) {
      const result = await q.query<R>(sql, params, options);
      await after(sql);
      return result;
    },
  });
  return {
    ...watch(db),
    async snapshot(options) {
      const snapshot = await db.snapshot(options);
      return { ...watch(snapshot), end: () => snapshot.end() };
    },
  };
}

/**
 * A batch run to its commit (on another connection) once the statement `when` picks (given its
 * text and number) has answered, during a read through `db`.
 */
function batchDuring(db: SqlReader, when: (sql: string, n: number) => boolean, batch: () => Promise<void>) {
  let applied: Promise<void> | null = null;
  let n = 0;
  const reads = watched(db, async (sql) => {
    if (applied || !when(sql, ++n)) return;
    applied = batch();
    await applied;
  });
  return {
    reads,
    /** Resolves once the batch has committed; fails if it never ran. */
    async committed() {
      expect(applied).not.toBeNull();
      await applied;
    },
  };
}

describeIf(infra.postgresUrl, 'one answer of the credit ledger while a batch commits (postgres)', () => {
  const open = openPostgres;
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  let runner: ProjectionRunner;

  beforeEach(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
    runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
  });
  afterEach(async () => close());

  /** Accounts, each with a promo past its expiry that the projected events do not record yet. */
  const dueOn = async (accounts: string[]) => {
    for (const account of accounts)
      await store.appendToStream(
        streamNames.accountPeriod(account, '2026-11'),
        [opened(account), promo(account)].map(serialize),
        'no_stream',
      );
    await runner.apply(await readProjected(store, 2 * accounts.length));
  };

  /** Records the account's expiry in the store: the batch projecting it is `recording()`. */
  const recorded = async (account: string, before: number) => {
    await store.appendToStream(streamNames.accountPeriod(account, '2026-11'), [expired(account)].map(serialize), 1n);
    const batch = (await readProjected(store, before + 1)).slice(before);
    return () => runner.apply(batch);
  };

  /** The month's ledger, read while `batch` commits right after the statement `when` picks. */
  const ledgerWithBatchAfter = async (
    when: (sql: string, n: number) => boolean,
    batch: () => Promise<void>,
    pageSize?: number,
  ) => {
    const during = batchDuring(db, when, batch);
    const rows = [];
    for await (const page of ledgerPages(during.reads, '2026-11', { now: NOW, pageSize })) rows.push(...page);
    await during.committed();
    return rows.map((r) => [r.account, r.kind, r.amount]);
  };

  const ledger = async () => {
    const rows = [];
    for await (const page of ledgerPages(db, '2026-11', { now: NOW })) rows.push(...page);
    return rows.map((r) => [r.account, r.kind, r.amount]);
  };

  it('shows an expiry once when its batch commits after the due rows were read', async () => {
    // Given a promo past its expiry, and the event recording it not projected yet
    await dueOn(['acme']);
    const batch = await recorded('acme', 2);

    // When the batch recording it commits right after the statement deriving the due rows
    const isDue = (sql: string) => sql.includes(` ${tableOf(credits)} `);
    const answer = await ledgerWithBatchAfter(isDue, batch);

    // Then that one answer shows the expiry once (derived); and the next one too (recorded)
    const once = [
      ['acme', 'granted', 10],
      ['acme', 'expired', -10],
    ];
    expect(answer).toEqual(once);
    expect(await ledger()).toEqual(once);
  });

  it('shows an expiry once when its batch commits after the recorded rows were read', async () => {
    // Given three accounts with a due promo each, read two rows a page: the recorded rows end
    // (the second page is short) before the third account's wallet is read
    await dueOn(['a', 'b', 'c']);
    const batch = await recorded('c', 6);

    // When the batch recording c's expiry commits right after that second recorded page
    const isRecorded = (sql: string) => !sql.includes(` ${tableOf(credits)} `) && sql.includes(` ${tableOf(creditLedger)}`);
    let pages = 0;
    const answer = await ledgerWithBatchAfter((sql) => isRecorded(sql) && ++pages === 2, batch, 2);

    // Then that one answer still shows c's expiry, once
    const all = ['a', 'b', 'c'].flatMap((account) => [
      [account, 'granted', 10],
      [account, 'expired', -10],
    ]);
    expect(answer).toEqual(all);
    expect(await ledger()).toEqual(all);
  });
});

describeIf(infra.postgresUrl, 'one answer of the billing export while a batch commits (postgres)', () => {
  const open = openPostgres;
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  let runner: ProjectionRunner;

  beforeEach(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
    runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
  });
  afterEach(async () => close());

  const lines = async (reads: SqlReader) => {
    const all = [];
    for await (const page of billingPages(reads, '2026-11', NOW, { pageSize: 1 })) all.push(...page);
    return all.map((l) => [l.meter, l.units]);
  };

  it('shows a batch in all of its lines or in none', async () => {
    // Given a unit of two meters, projected, and a batch with one more of each, not yet
    const stream = streamNames.accountPeriod('acme', '2026-11');
    await store.appendToStream(stream, [use('u1', 'geo'), use('u2', 'ocr')].map(serialize), 'no_stream');
    await runner.apply(await readProjected(store, 2));
    await store.appendToStream(stream, [use('u3', 'geo'), use('u4', 'ocr')].map(serialize), 1n);
    const batch = (await readProjected(store, 4)).slice(2);

    // When the batch commits right after the first line was read (a line a page)
    const during = batchDuring(
      db,
      (_sql, n) => n === 1,
      () => runner.apply(batch),
    );
    const answer = await lines(during.reads);
    await during.committed();

    // Then the answer is the lines before the batch, both of them; the next one after it
    expect(answer).toEqual([
      ['geo', 1],
      ['ocr', 1],
    ]);
    expect(await lines(db)).toEqual([
      ['geo', 2],
      ['ocr', 2],
    ]);
  });
});
