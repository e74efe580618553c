import { AccountHandler, CatalogCache } from '@tally/api';
import type { AccountCommand } from '@tally/domain';
import { SqlEventStore, type EventStore, type SqlClient } from '@tally/eventstore';
import { countingStore } from '../support/counting-store';
import { sqlBackends } from '../support/databases';
import { creditedUsage } from '../support/usage-command';

const usage = (account: string, id: string): AccountCommand => creditedUsage(account, id);

describe.each(sqlBackends())('accounts this process decides on (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  beforeEach(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterEach(() => close());

  const decider = (s: EventStore) =>
    new AccountHandler(s, {
      defaultCredits: 100,
      maxBatch: 100,
      retry: { attempts: 20, baseDelayMs: 2 },
    });

  it('are appended to at their cached revision, without reading the store again', async () => {
    const { store: watched, reads } = countingStore(store);
    const decisions = decider(watched);
    await decisions.execute(usage('acme', 'u1'));
    const coldReads = reads();
    for (let i = 2; i <= 5; i++) await decisions.execute(usage('acme', `u${i}`));
    expect(reads()).toBe(coldReads);
  });

  it('are kept up to the cache size: the least recently used account is read again', async () => {
    const { store: watched, reads } = countingStore(store);
    const decisions = new AccountHandler(watched, {
      cacheSize: 2,
      defaultCredits: 100,
      maxBatch: 100,
      retry: { attempts: 20, baseDelayMs: 2 },
    });
    for (const account of ['a', 'b', 'c']) await decisions.execute(usage(account, 'u1'));
    const before = reads();
    await decisions.execute(usage('c', 'u2'));
    await decisions.execute(usage('b', 'u2'));
    expect(reads()).toBe(before);
    await decisions.execute(usage('a', 'u2'));
    expect(reads()).toBeGreaterThan(before);
  });

  it('are caught up after another process appended, and decided on the fresh state', async () => {
    const here = decider(store);
    const there = decider(store);
    await here.execute(usage('acme', 'u1'));
    await there.execute(usage('acme', 'u2'));
    // `here` still holds the account before u2: its append conflicts, it catches up and decides again.
    const again = await here.execute(usage('acme', 'u2'));
    expect(again.ok && again.events).toEqual([]);
    const next = await here.execute(usage('acme', 'u3'));
    expect(next.ok && next.state.credits.balance).toBe(97);
  });

  it('share one transaction with the other accounts decided at the same moment', async () => {
    const decisions = decider(store);
    const accounts = Array.from({ length: 30 }, (_, i) => `acct-${i}`);
    await Promise.all(accounts.map((a) => decisions.execute(usage(a, 'first'))));
    const { rows } = await db.query<{ n: number }>(
      "select count(distinct transaction_id)::int as n from tally_events where event_type like 'UsageAccepted.%'",
    );
    expect(rows[0].n).toBeLessThan(accounts.length / 2);
  });
});

describe.each(sqlBackends())('subjects the catalog keeps (%s)', (_name, open) => {
  it('are bounded: past the limit the oldest subject is read from the store again', async () => {
    const { db, close } = await open();
    try {
      const { store, reads } = countingStore(await SqlEventStore.create(db));
      const catalog = new CatalogCache(store, 2);
      for (const subject of ['s1', 's2', 's3']) await catalog.accountOf(subject);
      const before = reads();
      expect([await catalog.accountOf('s3'), await catalog.accountOf('s2')]).toEqual(['s3', 's2']);
      expect(reads()).toBe(before);
      await catalog.accountOf('s1');
      expect(reads()).toBe(before + 1);
    } finally {
      await close();
    }
  });

  it('are read in one read for a slice of usages, however many subjects it names', async () => {
    const { db, close } = await open();
    try {
      const { store, reads } = countingStore(await SqlEventStore.create(db));
      // Mapped by another instance: this one has cached nothing.
      await new CatalogCache(store).mapSubject('pooled', 'acme', '2026-11-15T12:00:00.000Z');
      await new CatalogCache(store).mapSubject('s7', 'acme', '2026-11-15T12:00:00.000Z');
      const catalog = new CatalogCache(store);
      const subjects = ['pooled', ...Array.from({ length: 99 }, (_, i) => `s${i}`)];
      const before = reads();
      const accounts = await catalog.accountsOf(subjects);
      expect(reads()).toBe(before + 1);
      expect(accounts).toEqual(subjects.map((s) => (s === 'pooled' || s === 's7' ? 'acme' : s)));
      // Cached now: the same slice again reads nothing.
      expect(await catalog.accountsOf(subjects)).toEqual(accounts);
      expect(reads()).toBe(before + 1);
    } finally {
      await close();
    }
  });
});
