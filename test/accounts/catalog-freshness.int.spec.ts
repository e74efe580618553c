import { cachedUsageCommand, CatalogCache, decideUsageCommands } from '@tally/api';
import type { UsageMessage } from '@tally/events';
import { SqlEventStore, type EventBatch, type EventStore, type RecordedEvent } from '@tally/eventstore';
import { eventually } from '../infra/infra';
import { countingStore } from '../support/counting-store';
import { sqlBackends } from '../support/databases';
import { GEO } from '../support/usage-command';

const AT = '2026-03-01T00:00:00.000Z';
// Longer than the 2 s an entry lived before the change feed, each time the clock moves.
const PAST_THE_OLD_TTL_MS = 3_000;

const usage = (subject: string, n: number): UsageMessage => ({
  source: 'svc',
  id: `${subject}-${n}`,
  subject,
  meter: 'geo',
  quantity: 1,
  time: null,
});

/**
 * Until `catalog` follows its change feed. On PostgreSQL a transaction of any database of the server
 * holds the feed back while it runs. A feed is live from its first batch, and one that took its
 * starting position after the test's last append has nothing to read: `writer` maps a throwaway
 * subject (no test reads it) until it has.
 */
const following = (catalog: CatalogCache, writer: CatalogCache) => {
  let nudges = 0;
  return eventually(async () => {
    if (!catalog.following) await writer.mapSubject(`nudge-${nudges++}`, 'nudged', AT);
    expect(catalog.following).toBe(true);
  }, 45_000);
};

/** A store whose subscriptions show each batch to `pass` first, and deliver it only if it says so. */
function filteredSubscriptions(store: EventStore, pass: (batch: EventBatch) => boolean): EventStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name !== 'subscribe') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: Parameters<EventStore['subscribe']>) => {
        const subscription = target.subscribe(...args);
        return {
          close: () => subscription.close(),
          async *[Symbol.asyncIterator]() {
            for await (const batch of subscription as AsyncIterable<EventBatch>) if (pass(batch)) yield batch;
          },
        };
      };
    },
  });
}

/** A store whose subscriptions also tell `seen` of every event they deliver. */
const tappedStore = (store: EventStore, seen: RecordedEvent[]) =>
  filteredSubscriptions(store, (batch) => (seen.push(...batch), true));

/** A store whose subscriptions deliver nothing while `held()`, as one behind a long transaction. */
const heldBack = (store: EventStore, held: () => boolean) => filteredSubscriptions(store, () => !held());

describe.each(sqlBackends())('the catalog, kept current by its change feed (%s)', (_name, open) => {
  let close: () => Promise<void>;
  let store: SqlEventStore;
  let clock: number;
  const caches: CatalogCache[] = [];
  /** A catalog on `on` (an instance of its own) whose clock the test moves. */
  const instance = (on: EventStore = store): CatalogCache => {
    const catalog = new CatalogCache(on, 10_000, { now: () => clock, feedIntervalMs: 20 });
    caches.push(catalog);
    catalog.start();
    return catalog;
  };

  beforeEach(async () => {
    let db;
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
    clock = 0;
  });
  afterEach(async () => {
    for (const catalog of caches.splice(0)) await catalog.close();
    await close();
  });

  it('answers decisions over cached subjects without reading the store, however long they stay cached', async () => {
    const { store: counted, reads } = countingStore(store);
    const deciding = instance(counted);
    const other = instance();
    await other.defineMeter(GEO, AT);
    // Mapped by the other instance: its append is also what the feed's first batch reads past.
    await other.mapSubject('s0', 'org', AT);
    await following(deciding, other);
    const subjects = Array.from({ length: 200 }, (_, i) => `s${i}`);
    const decide = async (n: number) => {
      for (const subject of subjects) await decideUsageCommands(deciding, [usage(subject, n)], 'http', AT);
    };
    await decide(0);
    expect(reads()).toBe(subjects.length + 1);
    for (let n = 1; n <= 5; n++) {
      clock += PAST_THE_OLD_TTL_MS;
      // The feed confirms itself current at the new time (a probe of the head it has read past).
      await following(deciding, other);
      await decide(n);
    }
    expect(reads()).toBe(subjects.length + 1);
    const [command] = await decideUsageCommands(deciding, [usage('s0', 9)], 'http', AT);
    expect([command.account, command.meter]).toEqual(['org', GEO]);
  });

  it('sees a subject re-mapped and a meter redefined by another instance, without reading them again', async () => {
    const { store: counted, reads } = countingStore(store);
    const [a, b] = [instance(), instance(counted)];
    await a.mapSubject('s', 'org1', AT);
    await a.defineMeter(GEO, AT);
    await following(b, a);
    expect([await b.accountOf('s'), await b.meter('geo')]).toEqual(['org1', GEO]);
    const before = reads();
    // The clock stands still: only the feed can make b see the changes.
    await a.mapSubject('s', 'org2', AT);
    await a.defineMeter({ ...GEO, creditsPerUnit: 2 }, AT);
    await eventually(async () => expect(await b.accountOf('s')).toBe('org2'), 45_000);
    await eventually(async () => expect(await b.meter('geo')).toEqual({ ...GEO, creditsPerUnit: 2 }), 45_000);
    expect(reads()).toBe(before);
    // And its own change at once.
    await b.mapSubject('s', 'org3', AT);
    expect(await b.accountOf('s')).toBe('org3');
    await eventually(async () => expect(await a.accountOf('s')).toBe('org3'), 45_000);
  });

  it('does not keep a read that a change the feed delivered overtook', async () => {
    const seen: RecordedEvent[] = [];
    const a = instance();
    await a.mapSubject('s', 'org1', AT);
    let overtake = async () => undefined;
    // b's first read of the subject stream returns what it read only after a re-mapped it and
    // b's feed delivered that: a cached value the feed would never correct.
    const slow = new Proxy(tappedStore(store, seen), {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (name !== 'readStream') return value;
        return async (...args: Parameters<EventStore['readStream']>) => {
          const events = await target.readStream(...args);
          await overtake();
          return events;
        };
      },
    });
    const b = instance(slow);
    await a.mapSubject('t', 'org1', AT);
    await following(b, a);
    overtake = async () => {
      overtake = async () => undefined;
      await a.mapSubject('s', 'org2', AT);
      await eventually(() => expect(seen.some((e) => e.streamName === 'subject-s' && e.revision === 1n)).toBe(true), 45_000);
    };
    expect(await b.accountOf('s')).toBe('org1');
    expect(await b.accountOf('s')).toBe('org2');
  });

  it('reads entries again after 2 s while its feed is held back (as by a long transaction), and so sees changes', async () => {
    let held = false;
    const { store: counted, reads } = countingStore(heldBack(store, () => held));
    const [a, b] = [instance(), instance(counted)];
    await a.mapSubject('s', 'org1', AT);
    await following(b, a);
    expect(await b.accountOf('s')).toBe('org1');
    held = true;
    await a.mapSubject('s', 'org2', AT);
    // The feed delivers nothing more, so its last confirmation ages: b reads the subject again.
    clock += PAST_THE_OLD_TTL_MS;
    const before = reads();
    expect(await b.accountOf('s')).toBe('org2');
    expect(reads()).toBe(before + 1);
  });

  it('builds a usage command at once only from fresh entries, as decideUsageCommands does, a changed entry as it is now', async () => {
    const catalog = new CatalogCache(store, 10_000, { now: () => clock });
    await catalog.defineMeter(GEO, AT);
    const one = usage('s', 1);
    // The subject not read yet: nothing to build it from.
    expect(cachedUsageCommand(catalog, one, 'http', AT)).toBeUndefined();
    const [built] = await decideUsageCommands(catalog, [one], 'http', AT);
    expect(cachedUsageCommand(catalog, one, 'http', AT)).toEqual(built);
    // This instance's own changes, at once: no definition or account kept from an earlier request.
    await catalog.defineMeter({ ...GEO, creditsPerUnit: 2 }, AT);
    await catalog.mapSubject('s', 'org', AT);
    const changed = cachedUsageCommand(catalog, usage('s', 2), 'http', AT);
    expect(changed).toEqual((await decideUsageCommands(catalog, [usage('s', 2)], 'http', AT))[0]);
    expect([changed?.account, changed?.meter]).toEqual(['org', { ...GEO, creditsPerUnit: 2 }]);
    // A multi-item usage is built by decideUsageCommands (its meters' map), never here.
    expect(
      cachedUsageCommand(
        catalog,
        {
          ...one,
          items: [
            { meter: 'geo', quantity: 1 },
            { meter: 'other', quantity: 1 },
          ],
        },
        'http',
        AT,
      ),
    ).toBeUndefined();
    // Entries the feed does not keep current expire after 2 s: read again, not served from here.
    clock += PAST_THE_OLD_TTL_MS;
    expect(cachedUsageCommand(catalog, one, 'http', AT)).toBeUndefined();
  });

  it('falls back to reading entries again after 2 s while its feed has not delivered', async () => {
    const { store: counted, reads } = countingStore(store);
    const catalog = new CatalogCache(counted, 10_000, { now: () => clock });
    await catalog.accountOf('s');
    await catalog.accountOf('s');
    expect(reads()).toBe(1);
    clock += PAST_THE_OLD_TTL_MS;
    await catalog.accountOf('s');
    expect(reads()).toBe(2);
  });
});
