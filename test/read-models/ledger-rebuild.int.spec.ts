import { serialize, streamNames } from '@tally/events';
import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import { PROJECTIONS, ProjectionRunner, ReadModels, credits, dropProjection } from '@tally/read-models';
import { sqlBackends } from '../support/databases';
import { expired, opened, promo, readProjected } from '../support/promo-expiry';

const NOW = '2026-11-20T00:00:00.000Z';

describe.each(sqlBackends())('the credit ledger while credits_v3 is rebuilt (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;

  beforeEach(async () => ({ db, close } = await open()));
  afterEach(async () => close());

  const ledger = async () => {
    const rows = [];
    for await (const page of new ReadModels(db).ledgerPages('2026-11', { account: 'acme', now: NOW })) rows.push(...page);
    return rows.map((r) => [r.kind, r.grant, r.amount, r.at]);
  };

  it('shows a grant’s recorded expiry once while the rebuilt wallets are still behind it', async () => {
    // Given a grant that expired and whose expiry the account's next decision recorded, all projected
    const store = await SqlEventStore.create(db);
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    await store.appendToStream(streamNames.accountPeriod('acme', '2026-11'), [opened(), promo()].map(serialize), 'no_stream');
    const granted = await readProjected(store, 2);
    await store.appendToStream(streamNames.accountPeriod('acme', '2026-11'), [expired()].map(serialize), 1n);
    await runner.apply(await readProjected(store, 3));
    const once = [
      ['granted', 'promo', 10, '2026-11-01T00:00:00.000Z'],
      ['expired', 'promo', -10, '2026-11-03T00:00:00.000Z'],
    ];
    expect(await ledger()).toEqual(once);

    // When credits_v3 is rebuilt and has caught up only to before the expiry was recorded
    await dropProjection(db, credits);
    await runner.apply(granted);

    // Then the expiry, recorded in the ledger and still due by the wallet, counts once
    expect(await ledger()).toEqual(once);
    // And once the wallets have caught up, still once
    await runner.apply(await readProjected(store, 3));
    expect(await ledger()).toEqual(once);
  });

  it('derives an expiry no event records yet, once', async () => {
    // Given a grant past its expiry with no decision since
    const store = await SqlEventStore.create(db);
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    await store.appendToStream(streamNames.accountPeriod('acme', '2026-11'), [opened(), promo()].map(serialize), 'no_stream');
    await runner.apply(await readProjected(store, 2));

    // Then the ledger shows it as due, at its instant; and the whole month's ledger too
    expect(await ledger()).toEqual([
      ['granted', 'promo', 10, '2026-11-01T00:00:00.000Z'],
      ['expired', 'promo', -10, '2026-11-03T00:00:00.000Z'],
    ]);
    const all = [];
    for await (const page of new ReadModels(db).ledgerPages('2026-11', { now: NOW })) all.push(...page);
    expect(all.map((r) => [r.account, r.kind, r.amount])).toEqual([
      ['acme', 'granted', 10],
      ['acme', 'expired', -10],
    ]);
  });
});
