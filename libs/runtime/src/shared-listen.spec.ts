import type { SqlClient } from '@tally/eventstore';
import { sharingListens } from './shared-listen';

/** A database whose LISTEN connections the test counts, notifies and breaks. */
function fakeDb() {
  const connections: Array<{ notify: (lost?: Error) => void; released: boolean }> = [];
  const db = {
    kind: 'postgres',
    listen: async (_channel: string, onNotify: (lost?: Error) => void) => {
      const connection = { notify: onNotify, released: false };
      connections.push(connection);
      return async () => void (connection.released = true);
    },
  } as unknown as SqlClient;
  return { db, connections };
}

describe('followers of the store sharing one LISTEN connection', () => {
  it('given three followers, then one connection serves them all, released when the last stops', async () => {
    const { db, connections } = fakeDb();
    const shared = sharingListens(db);
    const heard = [0, 0, 0];
    const stops = await Promise.all(heard.map((_, i) => shared.listen('tally_events', () => heard[i]++)));
    expect(connections).toHaveLength(1);
    connections[0].notify();
    expect(heard).toEqual([1, 1, 1]);
    await stops[0]();
    await stops[1]();
    expect(connections[0].released).toBe(false);
    await stops[2]();
    expect(connections[0].released).toBe(true);
  });

  it('given the connection lost, then every follower is told and the next listen gets a fresh one', async () => {
    const { db, connections } = fakeDb();
    const shared = sharingListens(db);
    const lost: Array<Error | undefined> = [];
    const stopFirst = await shared.listen('tally_events', (error) => void lost.push(error));
    const stopSecond = await shared.listen('tally_events', (error) => void lost.push(error));
    const failure = new Error('terminating connection due to administrator command');
    connections[0].notify(failure);
    expect(lost).toEqual([failure, failure]);
    const stopAgain = await shared.listen('tally_events', () => undefined);
    expect(connections).toHaveLength(2);
    await stopFirst();
    await stopSecond();
    expect(connections.map((c) => c.released)).toEqual([true, false]);
    await stopAgain();
    expect(connections[1].released).toBe(true);
  });
});
