import type { SqlClient } from '@tally/eventstore';

type OnNotify = (lost?: Error) => void;

/** One LISTEN on one connection, and the followers it serves. */
interface Listening {
  listeners: Set<OnNotify>;
  ready: Promise<() => Promise<void>>;
  lost: boolean;
}

/**
 * The same database with one LISTEN connection per channel for the whole process, however many
 * followers of the store listen (projections, the relays, the webhook relay: a pooled
 * connection each otherwise). Every follower is told of each notification, and of the
 * connection's loss; the next follower to listen after a loss gets a fresh connection, and the
 * lost one is released when its last follower stops listening.
 */
export function sharingListens(db: SqlClient): SqlClient {
  const current = new Map<string, Listening>();
  const open = (channel: string): Listening => {
    const listening: Listening = { listeners: new Set(), ready: Promise.resolve(async () => undefined), lost: false };
    listening.ready = db.listen(channel, (lost) => {
      if (lost) {
        listening.lost = true;
        if (current.get(channel) === listening) current.delete(channel);
      }
      for (const listener of [...listening.listeners]) listener(lost);
    });
    listening.ready.catch(() => {
      if (current.get(channel) === listening) current.delete(channel);
    });
    current.set(channel, listening);
    return listening;
  };
  return {
    kind: db.kind,
    query: (sql, params, options) => db.query(sql, params, options),
    transaction: (work) => db.transaction(work),
    snapshot: (options) => db.snapshot(options),
    trySessionLock: (key) => db.trySessionLock(key),
    close: () => db.close(),
    async listen(channel: string, onNotify: OnNotify): Promise<() => Promise<void>> {
      const listening = current.get(channel) ?? open(channel);
      listening.listeners.add(onNotify);
      let unlisten: () => Promise<void>;
      try {
        unlisten = await listening.ready;
      } catch (error) {
        listening.listeners.delete(onNotify);
        throw error;
      }
      return async () => {
        if (!listening.listeners.delete(onNotify) || listening.listeners.size > 0) return;
        if (current.get(channel) === listening) current.delete(channel);
        await unlisten();
      };
    },
  };
}
