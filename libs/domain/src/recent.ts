import { List, Map as ImmutableMap } from 'immutable';

/**
 * How many recent decisions (and, apart, holds) an account keeps in memory. What deciding needs
 * is bounded by it, whatever the traffic: a repeat of an older id is answered from the store's
 * claims index (docs/architecture.md "Bounded accounts").
 */
export const RECENT_IDS = 2000;

/**
 * A persistent map that keeps only its `limit` most recently added keys: setting a new key beyond
 * the limit forgets the oldest. Setting a key it holds replaces the value and keeps its place.
 * A map plus the keys in the order they came (both persistent, so folding stays pure); every
 * operation is O(log n), which an ordered map whose oldest entry is deleted over and over is not.
 */
export class Recent<V> implements Iterable<[string, V]> {
  private constructor(
    private readonly map: ImmutableMap<string, V>,
    private readonly order: List<string>,
    private readonly limit: number,
  ) {}

  static empty<V>(limit = RECENT_IDS): Recent<V> {
    return new Recent<V>(ImmutableMap(), List(), limit);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** With `key` set to `value`: a new key is the most recent, the oldest ones forgotten beyond the limit. */
  set(key: string, value: V): Recent<V> {
    if (this.map.has(key)) return new Recent(this.map.set(key, value), this.order, this.limit);
    let map = this.map.set(key, value);
    let order = this.order.push(key);
    while (map.size > this.limit) {
      const oldest = order.first() as string;
      order = order.shift();
      map = map.delete(oldest);
    }
    return new Recent(map, order, this.limit);
  }

  /** Only the entries `keep` accepts, in the same order. */
  filter(keep: (value: V, key: string) => boolean): Recent<V> {
    const map = this.map.filter(keep);
    return new Recent(
      map,
      this.order.filter((key) => map.has(key)),
      this.limit,
    );
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  [Symbol.iterator](): Iterator<[string, V]> {
    return this.map.entries();
  }
}
