import type { OrderedMap } from 'immutable';

/**
 * How many recent decisions (and, apart, holds) an account keeps in memory. What deciding needs
 * is bounded by it, whatever the traffic: a repeat of an older id is answered from the store's
 * claims index (docs/architecture.md "Bounded accounts").
 */
export const RECENT_IDS = 2000;

/** `map` with `key` set, the oldest entries dropped beyond {@link RECENT_IDS}. */
export function remembered<V>(map: OrderedMap<string, V>, key: string, value: V, limit = RECENT_IDS): OrderedMap<string, V> {
  let next = map.set(key, value);
  while (next.size > limit) next = next.delete(next.keySeq().first() as string);
  return next;
}
