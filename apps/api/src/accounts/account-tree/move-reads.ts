import {
  deserialize,
  streamNames,
  type AccountEvent,
  type AccountMoved,
  type AccountRootEvent,
  type Departure,
} from '@tally/events';
import type { EventStore } from '@tally/eventstore';

/**
 * What a stopped move left in the store, read for `completeMove` (libs/domain tree-recovery):
 * an account's last `AccountMoved`, and a member's last departure from a tree since an instant.
 * Read newest period first, and only on the rare path of a tree that lacks an account naming it.
 */

/** The account's period streams, newest first. */
async function periodsNewestFirst(store: EventStore, account: string): Promise<Array<{ period: string; from: string }>> {
  const root = (await store.readStream(streamNames.accountRoot(account))).map((e) => deserialize(e) as AccountRootEvent);
  return root.map((e) => ({ period: e.data.period, from: e.type === 'AccountOpened' ? e.data.openedAt : e.data.at })).reverse();
}

async function periodEvents(store: EventStore, account: string, period: string): Promise<AccountEvent[]> {
  return (await store.readStream(streamNames.accountPeriod(account, period))).map((e) => deserialize(e) as AccountEvent);
}

/** The account's last `AccountMoved`, or null when it never moved. */
export async function lastMoveOf(store: EventStore, account: string): Promise<AccountMoved['data'] | null> {
  for (const { period } of await periodsNewestFirst(store, account)) {
    const moved = (await periodEvents(store, account, period)).filter((e) => e.type === 'AccountMoved').at(-1);
    if (moved) return moved.data;
  }
  return null;
}

/** The last departure of `member` from the tree rooted at `tree` recorded at or after `since` (all of them without it). */
export async function departureOf(
  store: EventStore,
  tree: string,
  member: string,
  since: string | null,
): Promise<Departure | null> {
  for (const { period, from } of await periodsNewestFirst(store, tree)) {
    const left = (await periodEvents(store, tree, period))
      .filter((e) => e.type === 'MemberDetached' && e.data.member === member && (since === null || e.data.at >= since))
      .at(-1);
    if (left?.type === 'MemberDetached') return left.data.departure ?? null;
    // Periods that started before `since` hold nothing later than it.
    if (since !== null && from <= since) return null;
  }
  return null;
}
