import { SqlEventStore } from '@tally/eventstore';
import { openPglite } from '../support/databases';

/**
 * Positions are (transaction id, position) pairs. Ordered as text, a page that spans a change of
 * digits (999 → 1000) would put "1000" first, and a follower taking the page's last position as
 * its checkpoint would skip every event between: found by the PostgreSQL restart fault test.
 */
describe('the SQL store across a change of transaction-id digits (PGlite)', () => {
  it('delivers pages in numeric order and skips nothing', async () => {
    const db = await openPglite();
    try {
      const store = await SqlEventStore.create(db);
      const xid = async () => Number((await db.query<{ x: string }>('select txid_current()::text as x')).rows[0].x);
      // A fresh cluster starts below 1000; burn transaction ids until just short of it.
      expect(await xid()).toBeLessThan(990);
      while ((await xid()) < 994);
      for (let n = 0; n < 12; n++) await store.appendToStream(`digits-${n}`, [{ type: 'Counted.v1', data: { n } }], 'no_stream');
      expect(await xid()).toBeGreaterThan(1000);

      const seen: number[] = [];
      const subscription = store.subscribe({ from: null, prefixes: ['digits-'], batchSize: 5 });
      // A follower that skipped would wait forever for the rest: stop it after a while.
      const timer = setTimeout(() => void subscription.close(), 5000);
      for await (const batch of subscription) {
        for (let i = 1; i < batch.length; i++) expect(store.compare(batch[i - 1].position, batch[i].position)).toBeLessThan(0);
        seen.push(...batch.map((e) => (e.data as { n: number }).n));
        if (seen.length >= 12) break;
      }
      clearTimeout(timer);
      await subscription.close();
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const head = await store.headPosition(['digits-']);
      expect(head).toBe((await store.readStream('digits-11'))[0].position);
    } finally {
      await db.close();
    }
  });
});
