import type { SqlClient } from '@tally/eventstore';
import { sqlBackends } from '../support/databases';

describe.each(sqlBackends())('a read snapshot (%s)', (name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ db, close } = await open());
    await db.query('create table t (n int)');
    await db.query('insert into t values (1)');
  });
  afterEach(async () => close());

  const count = async (q: Pick<SqlClient, 'query'>) =>
    (await q.query<{ n: number }>('select count(*)::int as n from t')).rows[0].n;

  it('reads what stood at its first statement until it ends, and refuses writes', async () => {
    // Given a snapshot that has read once
    const snapshot = await db.snapshot();
    expect(await count(snapshot)).toBe(1);

    // When a row is written beside it (on PGlite, once the snapshot has ended: it waits)
    const written = db.query('insert into t values (2)');
    if (name === 'postgres') await written;

    // Then the snapshot still reads one row, and cannot write
    expect(await count(snapshot)).toBe(1);
    await expect(snapshot.query('insert into t values (3)')).rejects.toThrow(/read-only/);
    await snapshot.end();
    await written;
    expect(await count(db)).toBe(2);
  });

  it('ends once idle too long, so that a stalled reader does not hold the database', async () => {
    if (name === 'postgres') {
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
      return;
    }
    // Given a snapshot left idle
    const snapshot = await db.snapshot({ idleMs: 1 });
    expect(await count(snapshot)).toBe(1);

    // Then a write waiting for PGlite's one connection gets it, and the snapshot reads no more
    await db.query('insert into t values (2)');
    await expect(count(snapshot)).rejects.toThrow(/idle too long/);
    await snapshot.end();
    expect(await count(db)).toBe(2);
  });

  it('ends after a failed statement without a second failure', async () => {
    const snapshot = await db.snapshot();
    await expect(snapshot.query('select * from missing')).rejects.toThrow(/missing/);
    await expect(snapshot.end()).resolves.toBeUndefined();
    await db.query('insert into t values (2)');
    expect(await count(db)).toBe(2);
  });
});
