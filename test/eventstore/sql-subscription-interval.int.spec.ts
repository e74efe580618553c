import { SqlEventStore, type EventBatch, type SqlClient } from '@tally/eventstore';
import { eventually } from '../infra/infra';
import { sqlBackends } from '../support/databases';

const marked = (n: number) => ({ type: 'Marked.v1', data: { n } });

/** The client, counting the LISTENs it starts and the statements that read the events' global order. */
function counted(db: SqlClient): { db: SqlClient; listens: () => number; pages: () => number } {
  let listens = 0;
  let pages = 0;
  const client = new Proxy(db, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name === 'listen') return (...args: unknown[]) => (listens++, value.apply(target, args));
      if (name === 'query') {
        return (sql: string, ...rest: unknown[]) => {
          if (sql.includes('pg_snapshot_xmin')) pages++;
          return value.apply(target, [sql, ...rest]);
        };
      }
      return value.bind(target);
    },
  });
  return { db: client, listens: () => listens, pages: () => pages };
}

describe.each(sqlBackends())('a SQL subscription given an interval (%s)', (_name, open) => {
  it('reads the store once per interval however many appends notify, and listens for none', async () => {
    const { db, close } = await open();
    try {
      const watched = counted(db);
      const store = await SqlEventStore.create(watched.db);
      await store.appendToStream('lag-a', [marked(0)], 'no_stream');
      // Readable in the global order once no transaction older than it runs (another database's too).
      await eventually(async () => expect(await store.firstEventAfter(null, ['lag-'])).not.toBeNull());
      // An interval longer than the test: after its first page it must not read again.
      const subscription = store.subscribe({ from: null, prefixes: ['lag-'], types: ['Marked.v1'], intervalMs: 600_000 });
      const seen: EventBatch[] = [];
      const reading = (async () => {
        for await (const batch of subscription) seen.push(batch);
      })();
      await eventually(() => expect(seen.flat()).toHaveLength(1));
      const pagesRead = watched.pages();
      for (let i = 1; i <= 20; i++) await store.appendToStream(`lag-${i}`, [marked(i)], 'no_stream');
      // Long enough for a live subscription, woken by each append, to have read many pages.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(watched.pages()).toBe(pagesRead);
      expect(watched.listens()).toBe(0);
      await subscription.close();
      await reading;
      expect(seen.flat()).toHaveLength(1);
    } finally {
      await close();
    }
  });
});
