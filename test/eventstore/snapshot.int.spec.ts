import type { SqlClient } from '@tally/eventstore';
import { describeIf, infra } from '../infra/infra';
import { sqlBackends, openPglite } from '../support/databases';

const count = async (q: Pick<SqlClient, 'query'>) => (await q.query<{ n: number }>('select count(*)::int as n from t')).rows[0].n;

describe('a read snapshot on embedded PGlite', () => {
  it('holds nothing: a write beside it is not kept waiting, and the snapshot reads it', async () => {
    const db = await openPglite();
    try {
      await db.query('create table t (n int)');
      // Given an open snapshot that has read once
      const snapshot = await db.snapshot();
      expect(await count(snapshot)).toBe(0);
      // When a row is written beside it, then the write completes at once (the api's decisions
      // and the projector share this one connection) and the snapshot sees it
      await db.query('insert into t values (1)');
      expect(await count(snapshot)).toBe(1);
      await snapshot.end();
    } finally {
      await db.close();
    }
  });
});

const postgres = sqlBackends().filter(([name]) => name === 'postgres');

describeIf(infra.postgresUrl, 'a read snapshot on PostgreSQL', () => {
  const [[, open]] = postgres;
  let db: SqlClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ db, close } = await open());
    await db.query('create table t (n int)');
    await db.query('insert into t values (1)');
  });
  afterEach(async () => close());

  it('reads what stood at its first statement until it ends, and refuses writes', async () => {
    // Given a snapshot that has read once
    const snapshot = await db.snapshot();
    expect(await count(snapshot)).toBe(1);

    // When a row is written beside it
    await db.query('insert into t values (2)');

    // Then the snapshot still reads one row, and cannot write
    expect(await count(snapshot)).toBe(1);
    await expect(snapshot.query('insert into t values (3)')).rejects.toThrow(/read-only/);
    await snapshot.end();
    expect(await count(db)).toBe(2);
  });

  it('ends once idle too long, so that a stalled reader does not hold a connection', async () => {
    // The server ends it: the session's limit is set for its transaction alone
    const limit = "select current_setting('idle_in_transaction_session_timeout') as limit";
    const snapshot = await db.snapshot({ idleMs: 1234 });
    try {
      expect((await snapshot.query<{ limit: string }>(limit)).rows[0].limit).toBe('1234ms');
    } finally {
      await snapshot.end();
    }
    expect((await db.query<{ limit: string }>(limit)).rows[0].limit).not.toBe('1234ms');

    // And a snapshot left idle past it is ended by the server: its next statement fails, its
    // end does not, and the pool goes on serving
    const idle = await db.snapshot({ idleMs: 50 });
    expect(await count(idle)).toBe(1);
    const waiting =
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'";
    while ((await db.query<{ n: number }>(waiting)).rows[0].n > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(count(idle)).rejects.toThrow();
    await expect(idle.end()).resolves.toBeUndefined();
    expect(await count(db)).toBe(1);
  });

  it('ends after a failed statement without a second failure', async () => {
    const snapshot = await db.snapshot();
    await expect(snapshot.query('select * from missing')).rejects.toThrow(/missing/);
    await expect(snapshot.end()).resolves.toBeUndefined();
    await db.query('insert into t values (2)');
    expect(await count(db)).toBe(2);
  });
});
