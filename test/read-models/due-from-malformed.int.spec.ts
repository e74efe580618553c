import { serialize, streamNames, type CarriedGrant } from '@tally/events';
import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import { PROJECTIONS, ProjectionRunner, credits, ledgerPages, tableOf } from '@tally/read-models';
import { sqlBackends } from '../support/databases';
import { opened, promo, readProjected } from '../support/promo-expiry';

const NOW = '2026-11-20T00:00:00.000Z';

const grant = (over: Record<string, unknown>): CarriedGrant & Record<string, unknown> => ({
  ...{ id: 'g', amount: 5, remaining: 5, priority: 50, effectiveAt: '2026-11-01T00:00:00.000Z', expiresAt: null },
  ...{ reason: null, grantedAt: '2026-11-01T00:00:00.000Z', ended: null, endedAt: null, touchedAt: '2026-11-01T00:00:00.000Z' },
  ...over,
});

// Values no api write can store, and what the index's function must read as "nothing due"
// instead of failing (a cast error there fails every write of the table, and its rebuild).
const MALFORMED: Record<string, unknown> = {
  'no instant': { grants: [grant({ expiresAt: 'not a date' })] },
  'no such day': { grants: [grant({ expiresAt: '2026-02-30T00:00:00.000Z' })] },
  'no offset (read by the session time zone)': { grants: [grant({ expiresAt: '2026-11-03 00:00:00' })] },
  'a relative word': { grants: [grant({ expiresAt: 'yesterday' })] },
  'an instant of another type': { grants: [grant({ expiresAt: 20261103 })] },
  'a remainder that is no number': { grants: [grant({ remaining: 'five', expiresAt: '2026-11-03T00:00:00.000Z' })] },
  'a fractional remainder': { grants: [grant({ remaining: 0.5, expiresAt: 'soon' })] },
  'grants that are no list': { grants: 'none' },
  'a grant that is no object': { grants: ['g'] },
};

describe.each(sqlBackends())('the due-expiry index over a malformed wallet (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;

  beforeEach(async () => ({ db, close } = await open()));
  afterEach(async () => close());

  it('keeps credits writes and the due scan working', async () => {
    // Given wallets stored with malformed values (written directly: the api refuses them)
    const store = await SqlEventStore.create(db);
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    const empty = { balance: 5, granted: 5, spent: 0, expired: 0, voided: 0, allowance: null };
    for (const [i, doc] of Object.values(MALFORMED).entries())
      await db.query(`insert into ${tableOf(credits)} (account, doc) values ($1, $2)`, [
        `bad-${i}`,
        { ...empty, ...(doc as object) },
      ]);

    // When a batch writes another wallet
    await store.appendToStream(
      streamNames.accountPeriod('acme', '2026-11'),
      [opened('acme'), promo('acme')].map(serialize),
      'no_stream',
    );
    await runner.apply(await readProjected(store, 2));

    // Then its wallet is written, and the ledger's scan finds its due expiry, not the malformed ones
    const rows = [];
    for await (const page of ledgerPages(db, '2026-11', { now: NOW })) rows.push(...page);
    expect(rows.map((r) => [r.account, r.kind, r.amount])).toEqual([
      ['acme', 'granted', 10],
      ['acme', 'expired', -10],
    ]);
  });

  it('is built over wallets already holding malformed values', async () => {
    // Given a credits table whose index is gone, with a malformed wallet stored
    const store = await SqlEventStore.create(db);
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    await db.query(`drop index ${tableOf(credits)}_due_from`);
    const doc = { balance: 5, granted: 5, spent: 0, expired: 0, voided: 0, allowance: null, grants: [grant({ expiresAt: 'x' })] };
    await db.query(`insert into ${tableOf(credits)} (account, doc) values ('bad', $1)`, [doc]);

    // When the read models start (which creates the index)
    await new ProjectionRunner(db, store, PROJECTIONS).init();

    // Then the index is there, and reads the wallet as having nothing due
    const { rows } = await db.query<{ due: string | null }>(
      `select ${tableOf(credits)}_due_from(doc) as due from ${tableOf(credits)} where account = 'bad'`,
    );
    expect(rows).toEqual([{ due: null }]);
  });
});
