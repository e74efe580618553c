import { AccountHandler } from '@tally/api';
import { streamNames } from '@tally/events';
import type { EventStore } from '@tally/eventstore';
import { countingStore } from '../support/counting-store';
import { sqlBackends, storeOn } from '../support/databases';

// docs/contract.md §2.7: a move reads the account, its parent and the parent's tree one after the
// other; another writer moving one of them in between must cost a re-read, never a 500.

const NOW = new Date().toISOString();
let ids = 0;

describe.each(sqlBackends())('tree moves racing other moves (%s)', (_name, open) => {
  const { store: storeNow } = storeOn(open);
  const processOn = (on: EventStore) => new AccountHandler(on, { defaultCredits: 0, retry: { attempts: 20, baseDelayMs: 1 } });

  /** A handler whose first read of `stream` after `arm()` waits for `meanwhile` to run on another process. */
  function interleaved(stream: string, meanwhile: () => Promise<unknown>) {
    let armed = false;
    const { store: watched } = countingStore(storeNow(), async (read) => {
      if (!armed || read !== stream) return;
      armed = false;
      await meanwhile();
    });
    return { handler: processOn(watched), arm: () => (armed = true) };
  }

  it('attaches under a parent that left its tree between the reads of the parent and of the tree', async () => {
    const [tree, parent, child] = [`t${++ids}`, `p${++ids}`, `c${++ids}`];
    const other = processOn(storeNow());
    await other.setParent(parent, tree, NOW);
    const { handler, arm } = interleaved(streamNames.accountPeriod(tree, NOW.slice(0, 7)), () =>
      other.setParent(parent, null, NOW),
    );
    await handler.treeOf(tree, NOW);
    arm();
    expect(await handler.setParent(child, parent, NOW)).toEqual({ account: child, parent, children: [], depth: 2 });
    expect(await processOn(storeNow()).treeOf(parent, NOW)).toEqual({
      account: parent,
      parent: null,
      children: [child],
      depth: 1,
    });
    expect((await processOn(storeNow()).treeOf(tree, NOW)).children).toEqual([]);
  });

  it('completes nothing on a stale read when the account moved twice between the reads of it and of its tree', async () => {
    const [first, third, account, parent] = [`t${++ids}`, `t${++ids}`, `a${++ids}`, `p${++ids}`];
    const other = processOn(storeNow());
    await other.setParent(account, first, NOW);
    const later = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();
    const { handler, arm } = interleaved(streamNames.accountPeriod(first, NOW.slice(0, 7)), async () => {
      await other.setParent(account, null, later(1));
      await other.setParent(account, third, later(2));
    });
    await handler.treeOf(first, NOW);
    await handler.treeOf(account, NOW);
    arm();
    expect(await handler.setParent(account, parent, later(3))).toEqual({ account, parent, children: [], depth: 2 });
    const fresh = processOn(storeNow());
    expect([(await fresh.treeOf(first, NOW)).children, (await fresh.treeOf(third, NOW)).children]).toEqual([[], []]);
  });
});
