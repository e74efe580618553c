import { AccountHandler } from '@tally/api';
import { deserialize, streamNames, type AccountEvent } from '@tally/events';
import { SqlEventStore, type EventStore, type SqlClient } from '@tally/eventstore';
import { usageOf, type AccountCommand } from '@tally/domain';
import { sqlBackends } from '../support/databases';
import { oneByOneStore, WriterStopped, type StopSwitch } from '../support/one-by-one-store';
import { geoUsage } from '../support/usage-command';

// docs/contract.md §2.7: on a store that appends a move's parts one by one (EventStoreDB), a writer
// stopped between them leaves a state the next load or decision completes, counting the member's usage once.

const NOW = '2026-11-10T00:00:00.000Z';
const MONTH = '2026-11';
let ids = 0;
const usage = (account: string, quantity: number): AccountCommand => geoUsage(account, quantity, NOW);

describe.each(sqlBackends())('a tree move stopped between its appends (%s, appended one by one)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: EventStore;
  const stop: StopSwitch = { afterParts: null };
  // One database for the file: every test names its own accounts.
  beforeAll(async () => {
    ({ db, close } = await open());
    store = oneByOneStore(await SqlEventStore.create(db), stop);
  });
  afterAll(() => close());

  /** A process: a handler with its own cache (a new one is the process that starts after the crash). */
  const processOn = () => new AccountHandler(store, { defaultCredits: 0, retry: { attempts: 20, baseDelayMs: 1 } });
  const accepted = async (handler: AccountHandler, command: AccountCommand) =>
    expect(await handler.execute(command)).toMatchObject({ ok: true, events: [{ type: 'UsageAccepted' }] });
  const used = async (handler: AccountHandler, account: string) => usageOf(await handler.treeStateOf(account, NOW), 'geo', MONTH);
  const eventsOf = async (account: string) =>
    (await store.readStream(streamNames.accountPeriod(account, MONTH))).map((e) => deserialize(e) as AccountEvent);
  const count = async (account: string, type: AccountEvent['type']) =>
    (await eventsOf(account)).filter((e) => e.type === type).length;

  /** x and y: two trees; m in x with 5 units (x counts them). */
  async function twoTrees(): Promise<{ x: string; y: string; m: string }> {
    const [x, y, m] = [`x${++ids}`, `y${++ids}`, `m${++ids}`];
    const before = processOn();
    for (const root of [x, y]) await accepted(before, usage(root, 1));
    await before.setParent(m, x, NOW);
    await accepted(before, usage(m, 5));
    expect(await used(before, x)).toBe(6);
    return { x, y, m };
  }

  /** The move, stopped after `parts` of its appends; the process that made it is gone. */
  async function stoppedMove(account: string, parent: string | null, parts: number): Promise<void> {
    stop.afterParts = parts;
    await expect(processOn().setParent(account, parent, NOW)).rejects.toBeInstanceOf(WriterStopped);
    expect(stop.afterParts).toBeNull();
  }

  it.each([1, 2])('completes a move to another tree stopped after %i of 3 appends at the next decision', async (parts) => {
    const { x, y, m } = await twoTrees();
    await stoppedMove(m, y, parts);
    const next = processOn();
    await accepted(next, usage(m, 2));
    expect([await used(next, x), await used(next, y)]).toEqual([1, 8]);
    expect(await next.treeOf(m, NOW)).toEqual({ account: m, parent: y, children: [], depth: 2 });
    expect([await count(y, 'MemberAttached'), await count(x, 'MemberDetached'), await count(m, 'AccountMoved')]).toEqual([
      1, 1, 2,
    ]);
  });

  it.each([1, 2])(
    'completes a move to another tree stopped after %i of 3 appends at the next load of the tree',
    async (parts) => {
      const { x, y, m } = await twoTrees();
      await stoppedMove(m, y, parts);
      const next = processOn();
      expect(await next.treeOf(m, NOW)).toEqual({ account: m, parent: y, children: [], depth: 2 });
      expect((await next.treeOf(y, NOW)).children).toEqual([m]);
      expect([await used(next, x), await used(next, y)]).toEqual([1, 6]);
      // Loaded again, by another process: nothing more to complete, nothing counted twice.
      expect([await used(processOn(), y), await count(y, 'MemberAttached')]).toEqual([6, 1]);
    },
  );

  it('completes a detach stopped after its first append (the tree let go of the member)', async () => {
    const { x, m } = await twoTrees();
    await stoppedMove(m, null, 1);
    const next = processOn();
    await accepted(next, usage(m, 2));
    // Back on its own stream with the 5 units it took, and 2 more; its old tree counts none of them.
    expect([await used(next, m), await used(next, x)]).toEqual([7, 1]);
    expect(await next.treeOf(m, NOW)).toEqual({ account: m, parent: null, children: [], depth: 1 });
  });

  it("completes a lone account's attach stopped after its first append (its own stream was fenced)", async () => {
    const [root, lone] = [`r${++ids}`, `l${++ids}`];
    const before = processOn();
    await accepted(before, usage(root, 1));
    await accepted(before, usage(lone, 5));
    await stoppedMove(lone, root, 1);
    const next = processOn();
    await accepted(next, usage(lone, 2));
    expect(await used(next, root)).toBe(8);
    expect(await next.treeOf(lone, NOW)).toEqual({ account: lone, parent: root, children: [], depth: 2 });
    expect(await count(root, 'MemberAttached')).toBe(1);
  });

  it('leaves a move whole when nothing stops it, as one append would', async () => {
    const { x, y, m } = await twoTrees();
    const mover = processOn();
    await mover.setParent(m, y, NOW);
    expect([await used(mover, x), await used(mover, y)]).toEqual([1, 6]);
  });
});
