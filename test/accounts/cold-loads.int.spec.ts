import { AccountHandler } from '@tally/api';
import type { AccountCommand } from '@tally/domain';
import { deserialize, streamNames, type AccountEvent } from '@tally/events';
import { SqlEventStore, type EventStore, type SqlClient } from '@tally/eventstore';
import { countingStore } from '../support/counting-store';
import { sqlBackends } from '../support/databases';
import { creditedUsage } from '../support/usage-command';

// Issue 20: a never-seen account is read once on its way to its first decision, and cold loads of
// different accounts at the same moment share their root reads' statements; the expected-revision
// append still catches another writer that registered or moved the account in between.

const NOW = new Date().toISOString();
const PERIOD = NOW.slice(0, 7);
let ids = 0;

const usage = (account: string, id: string): AccountCommand => creditedUsage(account, id, NOW);

describe.each(sqlBackends())('cold loads of accounts (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  /** Statements that read streams' last events (root reads), counted on `db`. */
  let lastEventStatements = 0;
  beforeAll(async () => {
    const opened = await open();
    close = opened.close;
    db = new Proxy(opened.db, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (name !== 'query') return value.bind(target);
        return (sql: string, params?: unknown[], options?: { prepare?: string }) => {
          if (options?.prepare === 'tally_last_events_v1') lastEventStatements++;
          return target.query(sql, params, options);
        };
      },
    });
    store = await SqlEventStore.create(db);
  });
  afterAll(() => close());

  let conflicts = 0;
  const processOn = (on: EventStore) =>
    new AccountHandler(on, {
      defaultCredits: 100,
      maxBatch: 100,
      retry: { attempts: 20, baseDelayMs: 1 },
      onConflict: () => conflicts++,
    });
  /** `store`, counting the reads of each account's root stream. */
  const rootReads = () => {
    const byAccount = new Map<string, number>();
    const { store: watched } = countingStore(store, (read) => {
      if (read.startsWith(streamNames.accountRoot(''))) byAccount.set(read, (byAccount.get(read) ?? 0) + 1);
    });
    return { watched, of: (account: string) => byAccount.get(streamNames.accountRoot(account)) ?? 0 };
  };
  /** `store`, where `meanwhile` runs (another writer) once, just after the first read of `account`'s root stream. */
  const racedAfterRootRead = (account: string, meanwhile: () => Promise<unknown>): EventStore => {
    let raced = false;
    return new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (name !== 'readLastEvent') return value.bind(target);
        return async (stream: string) => {
          const last = await target.readLastEvent(stream);
          if (!raced && stream === streamNames.accountRoot(account)) {
            raced = true;
            await meanwhile();
          }
          return last;
        };
      },
    });
  };
  const eventsOf = async (account: string) =>
    (await store.readStream(streamNames.accountPeriod(account, PERIOD))).map((e) => deserialize(e) as AccountEvent);

  it('reads a never-seen account once on its way to its first decision', async () => {
    // Given an account no process has seen
    const account = `new${++ids}`;
    const { watched, of } = rootReads();
    // When a burst of its commands is decided
    const outcomes = await processOn(watched).executeAll([usage(account, 'u1'), usage(account, 'u2')]);
    // Then it was registered and decided, its root stream read once
    expect(outcomes.map((o) => o.ok && o.state.credits.balance)).toEqual([99, 98]);
    expect((await eventsOf(account)).map((e) => e.type)).toEqual([
      'PeriodOpened',
      'CreditsGranted',
      'UsageAccepted',
      'UsageAccepted',
    ]);
    expect(of(account)).toBe(1);
  });

  it('reads an account registered elsewhere once too, and decides it from what it read', async () => {
    // Given an account another process registered, not cached here
    const account = `elsewhere${++ids}`;
    await processOn(store).execute(usage(account, 'u1'));
    const { watched, of } = rootReads();
    // When this process decides its next usage
    const next = await processOn(watched).execute(usage(account, 'u2'));
    // Then it is decided on the stored state, its root read once
    expect(next.ok && next.state.credits.balance).toBe(98);
    expect(of(account)).toBe(1);
  });

  it('shares the root reads of accounts cold-loaded at the same moment: fewer statements than accounts', async () => {
    // Given 60 accounts no process has seen
    const accounts = Array.from({ length: 60 }, () => `burst${++ids}`);
    const { watched, of } = rootReads();
    const before = lastEventStatements;
    // When one usage of each is decided in one slice (as the Kafka consumer or a batch request sends them)
    const outcomes = await processOn(watched).executeAll(accounts.map((a) => usage(a, 'u1')));
    // Then each was read once, and the reads went out in a few statements
    expect(outcomes.every((o) => o.ok && o.state.credits.balance === 99)).toBe(true);
    expect(accounts.map(of)).toEqual(accounts.map(() => 1));
    expect(lastEventStatements - before).toBeLessThan(accounts.length / 4);
  });

  it('catches another writer that registered the account between the read and the append, and decides again', async () => {
    // Given a never-seen account that another process registers (deciding u0) just after this one read it
    const account = `raced${++ids}`;
    const other = processOn(store);
    const here = processOn(racedAfterRootRead(account, () => other.execute(usage(account, 'u0'))));
    const before = conflicts;
    // When this process decides u1 on what it read (a new account)
    const outcome = await here.execute(usage(account, 'u1'));
    // Then its registering append conflicted, and u1 was decided again on the registered account
    expect(conflicts - before).toBe(1);
    expect(outcome.ok && outcome.state.credits).toMatchObject({ balance: 98, granted: 100, spent: 2 });
    const events = await eventsOf(account);
    expect(events.filter((e) => e.type === 'CreditsGranted')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'UsageAccepted').map((e) => e.type === 'UsageAccepted' && e.data.id)).toEqual([
      'u0',
      'u1',
    ]);
  });

  it('answers a usage another writer decided in between as the duplicate it is, written once', async () => {
    // Given a never-seen account whose u1 another process decides just after this one read it
    const account = `twice${++ids}`;
    const other = processOn(store);
    const here = processOn(racedAfterRootRead(account, () => other.execute(usage(account, 'u1'))));
    // When this process decides u1 too
    const outcome = await here.execute(usage(account, 'u1'));
    // Then it appends nothing: u1 was decided once
    expect(outcome.ok && outcome.events).toEqual([]);
    expect(outcome.ok && outcome.state.credits.balance).toBe(99);
    expect((await eventsOf(account)).filter((e) => e.type === 'UsageAccepted')).toHaveLength(1);
  });

  it('decides in the tree an account another writer moved into one between the read and the decision', async () => {
    // Given a never-seen account that another process attaches below a root just after this one read it
    const [root, account] = [`root${++ids}`, `member${++ids}`];
    const other = processOn(store);
    const here = processOn(racedAfterRootRead(account, () => other.setParent(account, root, NOW)));
    // When this process decides its usage
    const outcome = await here.execute(usage(account, 'u1'));
    // Then it is decided in the tree's aggregate, the root's, not as a new account of its own
    expect(outcome.ok).toBe(true);
    expect((await eventsOf(root)).filter((e) => e.type === 'UsageAccepted')).toHaveLength(1);
    expect((await eventsOf(account)).filter((e) => e.type === 'UsageAccepted')).toEqual([]);
    expect((await processOn(store).treeOf(account, NOW)).parent).toBe(root);
  });
});
