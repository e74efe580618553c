import { Map as ImmutableMap } from 'immutable';

/**
 * How many recent decisions (and, apart, holds) an account keeps in memory at most. What deciding
 * needs is bounded by it, whatever the traffic: a repeat of an older id is answered from the
 * store's claims index (docs/architecture.md "Bounded accounts"). The shell may keep fewer
 * ({@link Recent.withLimit}) to bound the windows of all the accounts it caches together.
 */
export const RECENT_IDS = 2000;

/** What an entry costs beside its key's and its text's characters: map and list nodes, string headers. */
export const RECENT_ENTRY_OVERHEAD = 128;

/**
 * A persistent map that keeps only its `limit` most recently added keys, and no more than
 * `maxBytes` of them (see {@link Recent.bytes}): setting a new key beyond either forgets the
 * oldest (never the newest). Setting a key it holds replaces the value and keeps its place.
 * A map plus the keys in the order they came (both persistent, so folding stays pure); every
 * operation is O(log n), which an ordered map whose oldest entry is deleted over and over is not.
 * The order is a {@link KeyLog}: adding a key to the newest window, as folding does, copies nothing.
 *
 * Each value is kept as its JSON text, one flat string, and read back on `get`: a remembered
 * decision costs its text (a few hundred bytes) instead of an object graph of several times that
 * with hidden classes of its own, and the windows of thousands of cached accounts are most of
 * what the api holds. Values must therefore be JSON data (what events are); what `get` returns
 * is a copy equal to what was set.
 */
export class Recent<V> implements Iterable<[string, V]> {
  private constructor(
    private readonly map: ImmutableMap<string, string>,
    private readonly order: KeyLog,
    private readonly limit: number,
    private readonly maxBytes: number,
    /** Sum of {@link weight} over the entries. */
    readonly bytes: number,
  ) {}

  static empty<V>(limit = RECENT_IDS, maxBytes = Infinity): Recent<V> {
    return new Recent<V>(ImmutableMap(), KeyLog.empty(), limit, maxBytes, 0);
  }

  get size(): number {
    return this.map.size;
  }

  /** How many keys, and how many bytes of them, it keeps at most. */
  get capacity(): { ids: number; bytes: number } {
    return { ids: this.limit, bytes: this.maxBytes };
  }

  get(key: string): V | undefined {
    const text = this.map.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as V);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** With `key` set to `value`: a new key is the most recent, the oldest ones forgotten beyond the limits. */
  set(key: string, value: V): Recent<V> {
    const text = JSON.stringify(value);
    const old = this.map.get(key);
    const bytes = this.bytes + weight(key, text) - (old === undefined ? 0 : weight(key, old));
    const order = old === undefined ? this.order.push(key) : this.order;
    return this.trimmed(this.map.set(key, text), order, this.limit, this.maxBytes, bytes);
  }

  /** Keeping at most `limit` keys and `maxBytes` of them from now on: the oldest beyond them forgotten. */
  withLimit(limit: number, maxBytes = Infinity): Recent<V> {
    if (limit === this.limit && maxBytes === this.maxBytes) return this;
    return this.trimmed(this.map, this.order, limit, maxBytes, this.bytes);
  }

  /** Only the entries `keep` accepts, in the same order. */
  filter(keep: (value: V, key: string) => boolean): Recent<V> {
    const map = this.map.filter((text, key) => keep(JSON.parse(text) as V, key));
    if (map.size === this.map.size) return this;
    const bytes = [...map].reduce((sum, [key, text]) => sum + weight(key, text), 0);
    return new Recent(
      map,
      this.order.filter((key) => map.has(key)),
      this.limit,
      this.maxBytes,
      bytes,
    );
  }

  *values(): IterableIterator<V> {
    for (const text of this.map.values()) yield JSON.parse(text) as V;
  }

  *[Symbol.iterator](): Iterator<[string, V]> {
    for (const [key, text] of this.map.entries()) yield [key, JSON.parse(text) as V];
  }

  /** A Recent of `map` and `order` with its oldest keys forgotten beyond `limit` and `maxBytes`. */
  private trimmed(map: ImmutableMap<string, string>, order: KeyLog, limit: number, maxBytes: number, bytes: number): Recent<V> {
    // The oldest keys, by index: no iterator, no list of them, for what is mostly one key.
    let excess = 0;
    let kept = bytes;
    while ((map.size - excess > limit || kept > maxBytes) && map.size - excess > 1) {
      const oldest = order.at(excess);
      kept -= weight(oldest, map.get(oldest) as string);
      excess++;
    }
    if (excess === 0) return new Recent<V>(map, order, limit, maxBytes, bytes);
    return new Recent<V>(
      map.withMutations((m) => {
        for (let i = 0; i < excess; i++) m.delete(order.at(i));
      }),
      order.skip(excess),
      limit,
      maxBytes,
      kept,
    );
  }
}

/** What an entry of `key` holding `text` costs, about, in bytes (one-byte strings, as JSON of ASCII is). */
function weight(key: string, text: string): number {
  return key.length + text.length + RECENT_ENTRY_OVERHEAD;
}

/** Keys forgotten before a {@link KeyLog}'s array is copied down to the ones kept (then at least as many as are kept). */
const COMPACT_AFTER = 32;

/**
 * The keys of a window in the order they came, as one array shared by a window and the windows
 * made from it, each seeing its own range `[start, end)` of it: no entry of a range ever changes.
 * A key added to the newest window (the one whose range ends where the array does, as when events
 * are folded one after another) is pushed in place; added to an older one, whose array a newer
 * one goes on in, it goes to a copy of that range. Forgetting the oldest keys moves `start`; once
 * the keys forgotten are at least as many as those kept, the kept ones are copied to a new array,
 * so the array holds at most about twice the window.
 */
class KeyLog {
  private constructor(
    private readonly keys: string[],
    private readonly start: number,
    private readonly end: number,
  ) {}

  static empty(): KeyLog {
    return new KeyLog([], 0, 0);
  }

  private static of(keys: string[]): KeyLog {
    return new KeyLog(keys, 0, keys.length);
  }

  /** The `i`-th oldest key. */
  at(i: number): string {
    return this.keys[this.start + i];
  }

  push(key: string): KeyLog {
    if (this.end === this.keys.length) {
      this.keys.push(key);
      return new KeyLog(this.keys, this.start, this.end + 1);
    }
    const keys = this.keys.slice(this.start, this.end);
    keys.push(key);
    return KeyLog.of(keys);
  }

  /** Without the `n` oldest keys. */
  skip(n: number): KeyLog {
    const start = this.start + n;
    if (start >= COMPACT_AFTER && start >= this.end - start) return KeyLog.of(this.keys.slice(start, this.end));
    return new KeyLog(this.keys, start, this.end);
  }

  filter(keep: (key: string) => boolean): KeyLog {
    return KeyLog.of(this.keys.slice(this.start, this.end).filter(keep));
  }
}
