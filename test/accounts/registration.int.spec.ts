import { AccountHandler, type AccountHandlerOptions } from '@tally/api';
import { deserialize, serialize, streamNames, type AccountEvent, type AccountRootEvent } from '@tally/events';
import {
  ClaimTakenError,
  ConcurrencyRetriesExhaustedError,
  SqlEventStore,
  WrongExpectedRevisionError,
  type EventStore,
  type SqlClient,
  type StreamAppend,
} from '@tally/eventstore';
import { claimsOf, decide, decideBooks, fold, initialState, type AccountCommand } from '@tally/domain';
import { sqlBackends } from '../support/databases';

const usage = (account: string, id: string, now: string): AccountCommand => ({
  type: 'DecideUsage',
  account,
  usage: { source: 'svc', id, subject: account, meter: 'geo', quantity: 1, time: null },
  meter: { meter: 'geo', description: null, creditsPerUnit: 1, defaultQuota: null },
  reportedBy: 'kafka',
  now,
});

describe.each(sqlBackends())('registering an account, and dry runs (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: EventStore;
  beforeAll(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterAll(() => close());

  const deciderOn = (options: Partial<AccountHandlerOptions> = {}, on: EventStore = store) =>
    new AccountHandler(on, { ...options, defaultCredits: 100, maxBatch: 100, retry: { attempts: 1, baseDelayMs: 2 } });
  const rows = async () => Number((await db.query<{ n: number }>('select count(*)::int as n from tally_events')).rows[0].n);
  const eventsOf = async (account: string, period: string) =>
    (await store.readStream(streamNames.accountPeriod(account, period))).map((e) => deserialize(e) as AccountEvent);
  /** The store, where `meanwhile` runs (another writer) just before the first registering append. */
  const racedBy = (meanwhile: () => Promise<unknown>): EventStore => {
    let raced = false;
    return new Proxy(store, {
      get(target, name, receiver) {
        if (name !== 'appendAtomically' && name !== 'appendMany') return Reflect.get(target, name, receiver) as unknown;
        return async (parts: StreamAppend[]) => {
          if (!raced) {
            raced = true;
            await meanwhile();
          }
          return name === 'appendMany' ? target.appendMany(parts) : target.appendAtomically(parts);
        };
      },
    });
  };
  const opening = (account: string, period: string, now: string) =>
    decideBooks({ type: 'OpenAccount', account, registered: null, defaultCredits: 100, now }, initialState())!.opening.map((e) =>
      serialize({ ...e, data: { ...e.data, period } } as AccountEvent),
    );
  /** What the one attempt of `decided` conflicted with (retries are off here, so it gives up at once). */
  const conflictOf = async (decided: Promise<unknown>) => {
    const error = await decided.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConcurrencyRetriesExhaustedError);
    return (error as ConcurrencyRetriesExhaustedError).cause;
  };
  const rootOf = async (account: string) =>
    (await store.readStream(streamNames.accountRoot(account))).map((e) => deserialize(e) as AccountRootEvent);

  it('registers an account in one append: its root and its first period, or neither', async () => {
    await deciderOn().execute(usage('whole', 'u1', '2026-11-10T00:00:00.000Z'));
    expect((await rootOf('whole')).map((e) => [e.type, e.data.period])).toEqual([['AccountOpened', '2026-11']]);
    expect((await eventsOf('whole', '2026-11')).map((e) => e.type)).toEqual(['PeriodOpened', 'CreditsGranted', 'UsageAccepted']);
    const [root] = await store.readStream(streamNames.accountRoot('whole'));
    const [opened] = await store.readStream(streamNames.accountPeriod('whole', '2026-11'));
    // Written by one transaction, in one statement.
    expect(root.position.split(':')[0]).toBe(opened.position.split(':')[0]);
  });

  it('writes neither part when the root stream is taken (another writer registered the account)', async () => {
    const now = '2026-11-10T00:00:00.000Z';
    const raced = racedBy(() =>
      store.appendToStream(
        streamNames.accountRoot('root-taken'),
        [serialize({ type: 'AccountOpened', data: { account: 'root-taken', period: '2026-10', openedAt: now } })],
        'no_stream',
      ),
    );
    expect(await conflictOf(deciderOn({}, raced).execute(usage('root-taken', 'u1', now)))).toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    expect(await eventsOf('root-taken', '2026-11')).toEqual([]);
    expect((await rootOf('root-taken')).map((e) => e.data.period)).toEqual(['2026-10']);
  });

  it('writes neither part when the first period is taken, or one of its claims is', async () => {
    const now = '2026-11-10T00:00:00.000Z';
    const periodTaken = racedBy(() =>
      store.appendToStream(
        streamNames.accountPeriod('period-taken', '2026-11'),
        opening('period-taken', '2026-11', now),
        'no_stream',
      ),
    );
    expect(await conflictOf(deciderOn({}, periodTaken).execute(usage('period-taken', 'u1', now)))).toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    expect(await rootOf('period-taken')).toEqual([]);
    expect((await eventsOf('period-taken', '2026-11')).map((e) => e.type)).toEqual(['PeriodOpened', 'CreditsGranted']);

    const taken = decide(
      usage('claim-taken', 'u1', now),
      fold(
        decideBooks({ type: 'OpenAccount', account: 'claim-taken', registered: null, defaultCredits: 100, now }, initialState())!
          .opening,
      ),
    );
    const claimTaken = racedBy(() =>
      store.appendToStream('elsewhere-claim-taken', taken.map(serialize), 'no_stream', claimsOf(taken)),
    );
    expect(await conflictOf(deciderOn({}, claimTaken).execute(usage('claim-taken', 'u1', now)))).toBeInstanceOf(ClaimTakenError);
    expect(await rootOf('claim-taken')).toEqual([]);
    expect(await eventsOf('claim-taken', '2026-11')).toEqual([]);
  });

  it('opens a registered period that has no stream once, with the default credits, even a month later', async () => {
    // What a writer stopped between its two appends leaves on EventStoreDB, which has no
    // transaction across streams and registers the root first (docs/architecture.md, Registration).
    await store.appendToStream(
      streamNames.accountRoot('crash'),
      [serialize({ type: 'AccountOpened', data: { account: 'crash', period: '2026-11', openedAt: '2026-11-30T23:00:00.000Z' } })],
      'no_stream',
    );
    const next = await deciderOn().execute(usage('crash', 'u2', '2026-12-02T00:00:00.000Z'));
    expect(next.ok && next.state.credits).toMatchObject({ balance: 99, granted: 100, spent: 1 });
    const november = await eventsOf('crash', '2026-11');
    const december = await eventsOf('crash', '2026-12');
    expect([...november, ...december].filter((e) => e.type === 'CreditsGranted')).toHaveLength(1);
    // The period the root registered opens (with the default credits, once) and takes the decision.
    expect(november.map((e) => e.type)).toEqual(['PeriodOpened', 'CreditsGranted', 'UsageAccepted']);
    expect(december).toEqual([]);
    expect((await rootOf('crash')).map((e) => e.data.period)).toEqual(['2026-11']);
    // The next decision moves the books on as usual.
    await deciderOn().execute(usage('crash', 'u3', '2026-12-02T00:00:01.000Z'));
    expect((await eventsOf('crash', '2026-12')).map((e) => e.type)).toEqual(['PeriodOpened', 'UsageAccepted']);
  });

  it('a dry run writes nothing: not for a new account, not in a new month, not for a half-done move', async () => {
    const decider = deciderOn();
    const before = await rows();
    const fresh = await decider.dryRun(usage('dry', 'u1', '2026-11-10T00:00:00.000Z'));
    expect(fresh.ok && fresh.events.map((e) => e.type)).toEqual(['UsageAccepted']);
    expect(await rows()).toBe(before);

    await decider.execute(usage('dry', 'u1', '2026-11-10T00:00:00.000Z'));
    const written = await rows();
    const december = await deciderOn().dryRun(usage('dry', 'u2', '2026-12-10T00:00:00.000Z'));
    expect(december.ok && december.state.period).toBe('2026-12');
    expect(december.ok && december.state.credits.balance).toBe(98);
    expect(await rows()).toBe(written);

    // A move half done: November closed, December never opened.
    await store.appendToStream(
      streamNames.accountPeriod('dry', '2026-11'),
      [
        serialize({
          type: 'PeriodClosed',
          data: { account: 'dry', period: '2026-11', next: '2026-12', closedAt: '2026-12-01T00:00:00.000Z' },
        }),
      ],
      2n,
    );
    const halfDone = await rows();
    const resumed = await deciderOn().dryRun(usage('dry', 'u3', '2026-12-10T00:00:00.000Z'));
    expect(resumed.ok && resumed.events.map((e) => e.type)).toEqual(['UsageAccepted']);
    expect(await rows()).toBe(halfDone);
  });
});
