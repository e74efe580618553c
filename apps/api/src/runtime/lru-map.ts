/**
 * A map that holds at most `limit` entries, dropping the least recently set first: the bound on
 * every per-account and per-subject cache of the api, so that memory does not grow with the
 * number of accounts ever seen.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Stores `value` as the most recently used entry, dropping the oldest past the limit. */
  set(key: K, value: V): void {
    // A Map keeps insertion order: re-inserting marks the key as the most recent.
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The values, least recently set first. */
  values(): IterableIterator<V> {
    return this.entries.values();
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
