import { serialize, streamNames, type AccountEvent } from '@tally/events';
import { SqlEventStore, type SqlClient } from '@tally/eventstore';
import {
  PROJECTED_STREAM_PREFIXES,
  PROJECTIONS,
  ProjectionRunner,
  ReadModels,
  credits,
  dropProjection,
} from '@tally/read-models';
import { sqlBackends } from '../support/databases';

const opened: AccountEvent = {
  type: 'PeriodOpened',
  data: {
    account: 'acme',
    period: '2026-11',
    previous: null,
    openedAt: '2026-11-01T00:00:00.000Z',
    carried: {
      credits: { balance: 0, granted: 0, spent: 0, expired: 0, voided: 0 },
      quotas: {},
      usage: {},
      grants: [],
      allowance: null,
    },
  },
};

const promo: AccountEvent = {
  type: 'CreditsGranted',
  data: {
    ...{ account: 'acme', grantId: 'promo', amount: 10, priority: 50, reason: null, balance: 10 },
    ...{ effectiveAt: '2026-11-01T00:00:00.000Z', expiresAt: '2026-11-03T00:00:00.000Z', at: '2026-11-01T00:00:00.000Z' },
  },
};

// The account's next decision, after the expiry, records it first.
const expired: AccountEvent = {
  type: 'CreditsExpired',
  data: { account: 'acme', grantId: 'promo', amount: 10, at: '2026-11-03T00:00:00.000Z' },
};

const NOW = '2026-11-20T00:00:00.000Z';

describe.each(sqlBackends())('the credit ledger while credits_v3 is rebuilt (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;

  beforeEach(async () => ({ db, close } = await open()));
  afterEach(async () => close());

  // The store hands out only events below the oldest running transaction (of any database on a
  // shared server): wait until all `n` are readable.
  const readAll = async (store: SqlEventStore, n: number) => {
    for (;;) {
      const events = await store.readAllAfter(null, PROJECTED_STREAM_PREFIXES, 100);
      if (events.length >= n) return events;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

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
    await store.appendToStream(streamNames.accountPeriod('acme', '2026-11'), [opened, promo].map(serialize), 'no_stream');
    const granted = await readAll(store, 2);
    await store.appendToStream(streamNames.accountPeriod('acme', '2026-11'), [expired].map(serialize), 1n);
    await runner.apply(await readAll(store, 3));
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
    await runner.apply(await readAll(store, 3));
    expect(await ledger()).toEqual(once);
  });

  it('derives an expiry no event records yet, once', async () => {
    // Given a grant past its expiry with no decision since
    const store = await SqlEventStore.create(db);
    const runner = new ProjectionRunner(db, store, PROJECTIONS);
    await runner.init();
    await store.appendToStream(streamNames.accountPeriod('acme', '2026-11'), [opened, promo].map(serialize), 'no_stream');
    await runner.apply(await readAll(store, 2));

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
