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
 *
 * A window is a range `[start, end)` of positions in an {@link EntryLog}, the keys in the order
 * they came, shared by a window and the windows made from it, and found through one native `Map`
 * (no persistent hash map hashing long keys over and over): adding a key to the newest window, as
 * folding one decision after another does, pushes in place and copies nothing, and forgetting the
 * oldest moves `start`. A replaced value is kept apart, by position ({@link Recent.replaced}), as
 * the entries of a range never change. So every window stays as it was, folding stays pure.
 *
 * Each value is kept as its JSON text, one flat string, and read back on `get`: a remembered
 * decision costs its text (a few hundred bytes) instead of an object graph of several times that
 * with hidden classes of its own, and the windows of thousands of cached accounts are most of
 * what the api holds. Values must therefore be JSON data (what events are); what `get` returns
 * is a copy equal to what was set.
 */
export class Recent<V> implements Iterable<[string, V]> {
  private constructor(
    private readonly log: EntryLog,
    private readonly start: number,
    private readonly end: number,
    /** Texts that replaced those of positions in the range, by position; mostly empty. */
    private readonly replaced: ImmutableMap<number, string>,
    private readonly limit: number,
    private readonly maxBytes: number,
    /** Sum of {@link weight} over the entries. */
    readonly bytes: number,
    /**
     * What the log keeps for this window beside its entries, weighed as they are: the entries it
     * forgot (the log keeps positions below `start` until it is copied down) and the texts replaced.
     */
    private readonly retained: number,
  ) {}

  static empty<V>(limit = RECENT_IDS, maxBytes = Infinity): Recent<V> {
    return new Recent<V>(EntryLog.empty(), 0, 0, ImmutableMap(), limit, maxBytes, 0, 0);
  }

  get size(): number {
    return this.end - this.start;
  }

  /** How many keys, and how many bytes of them, it keeps at most. */
  get capacity(): { ids: number; bytes: number } {
    return { ids: this.limit, bytes: this.maxBytes };
  }

  get(key: string): V | undefined {
    const at = this.log.find(key, this.start, this.end);
    return at < 0 ? undefined : (JSON.parse(this.textAt(at)) as V);
  }

  has(key: string): boolean {
    return this.log.find(key, this.start, this.end) >= 0;
  }

  /** With `key` set to `value`: a new key is the most recent, the oldest ones forgotten beyond the limits. */
  set(key: string, value: V): Recent<V> {
    const text = JSON.stringify(value);
    const at = this.log.find(key, this.start, this.end);
    if (at >= 0) {
      const old = this.textAt(at);
      const bytes = this.bytes + weight(key, text) - weight(key, old);
      // The log keeps the text it was given at `at`; one replaced before is dropped from the new map.
      const retained = this.retained + (this.replaced.has(at) ? 0 : weight(key, old));
      return this.trimmed(
        this.log,
        this.start,
        this.end,
        this.replaced.set(at, text),
        this.limit,
        this.maxBytes,
        bytes,
        retained,
      );
    }
    const log = this.log.pushed(key, text, this.start, this.end, this.replaced);
    // A copy of the range holds the texts replaced and nothing forgotten: the window's own start afresh.
    const copied = log.copiedFrom(this.log);
    const replaced = copied ? ImmutableMap<number, string>() : this.replaced;
    const retained = copied ? 0 : this.retained;
    return this.trimmed(
      log,
      this.start,
      this.end + 1,
      replaced,
      this.limit,
      this.maxBytes,
      this.bytes + weight(key, text),
      retained,
    );
  }

  /** Keeping at most `limit` keys and `maxBytes` of them from now on: the oldest beyond them forgotten. */
  withLimit(limit: number, maxBytes = Infinity): Recent<V> {
    if (limit === this.limit && maxBytes === this.maxBytes) return this;
    return this.trimmed(this.log, this.start, this.end, this.replaced, limit, maxBytes, this.bytes, this.retained);
  }

  /** Only the entries `keep` accepts, in the same order. */
  filter(keep: (value: V, key: string) => boolean): Recent<V> {
    const kept: Array<[string, string]> = [];
    for (let at = this.start; at < this.end; at++) {
      const key = this.log.keyAt(at);
      const text = this.textAt(at);
      if (keep(JSON.parse(text) as V, key)) kept.push([key, text]);
    }
    if (kept.length === this.size) return this;
    const bytes = kept.reduce((sum, [key, text]) => sum + weight(key, text), 0);
    return new Recent(EntryLog.of(kept, 0), 0, kept.length, ImmutableMap(), this.limit, this.maxBytes, bytes, 0);
  }

  *values(): IterableIterator<V> {
    for (let at = this.start; at < this.end; at++) yield JSON.parse(this.textAt(at)) as V;
  }

  *[Symbol.iterator](): Iterator<[string, V]> {
    for (let at = this.start; at < this.end; at++) yield [this.log.keyAt(at), JSON.parse(this.textAt(at)) as V];
  }

  /** The text of the entry at position `at` of the range. */
  private textAt(at: number): string {
    return (this.replaced.size > 0 && this.replaced.get(at)) || this.log.textAt(at);
  }

  /** A Recent of `log`'s range `[start, end)` with its oldest keys forgotten beyond `limit` and `maxBytes`. */
  private trimmed(
    log: EntryLog,
    start: number,
    end: number,
    replaced: ImmutableMap<number, string>,
    limit: number,
    maxBytes: number,
    bytes: number,
    retained: number,
  ): Recent<V> {
    // The oldest keys, by position: no iterator, no list of them, for what is mostly one key.
    let from = start;
    let kept = bytes;
    let held = retained;
    while ((end - from > limit || kept > maxBytes) && end - from > 1) {
      const forgotten = weight(log.keyAt(from), (replaced.size > 0 && replaced.get(from)) || log.textAt(from));
      kept -= forgotten;
      held += forgotten;
      from++;
    }
    // Copied down once the log keeps for the window a quarter of its bytes beside them, or as many
    // positions forgotten as kept: what a window holds stays within about 5/4 of what it weighs
    // (the budget the api's account cache divides), and its keys' index within twice its size.
    if (held > 0 && (held * 4 >= kept || (from - log.first >= COMPACT_AFTER && from - log.first >= end - from))) {
      const entries: Array<[string, string]> = [];
      for (let at = from; at < end; at++)
        entries.push([log.keyAt(at), (replaced.size > 0 && replaced.get(at)) || log.textAt(at)]);
      return new Recent<V>(EntryLog.of(entries, from), from, end, ImmutableMap(), limit, maxBytes, kept, 0);
    }
    return new Recent<V>(log, from, end, replaced, limit, maxBytes, kept, held);
  }

  /** What the log keeps for this window beside its entries, in {@link weight}s (a window's memory: tests). */
  get retainedBytes(): number {
    return this.retained;
  }

  /** The entries the log holds up to this window's newest, forgotten ones included (a window's memory: tests). */
  get heldEntries(): number {
    return this.end - this.log.first;
  }
}

/** What an entry of `key` holding `text` costs, about, in bytes (one-byte strings, as JSON of ASCII is). */
function weight(key: string, text: string): number {
  return key.length + text.length + RECENT_ENTRY_OVERHEAD;
}

/** Positions forgotten before a window's entries are copied down to a log of their own (then at least as many as are kept). */
const COMPACT_AFTER = 32;

/** Entries a fork copies from the fork it is made from before it copies the whole window down instead. */
const FORK_COPIES = 64;

/**
 * Entries (key, text) by position, in the order they came, appended to only, shared by the
 * windows made from one another, each seeing its own range of positions: no entry of a range ever
 * changes. A window whose range ends where the log does (the newest, as when events are folded
 * one after another) is added to in place. Adding to an older one (a dry run's window added to,
 * then the cached one it was made from) forks: a log of its own from the end of that range on,
 * reading the positions before it from its parent (one level: the parent of a fork is never a
 * fork; a fork added to at an older position copies its own few entries into the new one, and
 * past {@link FORK_COPIES} of them, the whole window is copied down into a new log).
 *
 * Each key is found through one native `Map` of its latest position in this log, each position
 * linking to the key's previous one (a key forgotten and then added again has two), so that a
 * window finds its own position of a key whatever newer windows added after its end.
 */
class EntryLog {
  private readonly keys: string[] = [];
  private readonly texts: string[] = [];
  /** For each own position, the key's previous own position, or -1. */
  private readonly previous: number[] = [];
  /** Each key's latest own position. */
  private readonly latest = new Map<string, number>();

  private constructor(
    /** Where positions below {@link base} are read (up to `base`); null: none are. */
    private readonly parent: EntryLog | null,
    /** The first own position. */
    private readonly base: number,
  ) {}

  static empty(): EntryLog {
    return new EntryLog(null, 0);
  }

  /** A log of `entries` at positions from `base` on. */
  static of(entries: ReadonlyArray<[string, string]>, base: number): EntryLog {
    const log = new EntryLog(null, base);
    for (const [key, text] of entries) log.push(key, text);
    return log;
  }

  /** Whether this log is a copy of a range of `other`'s (not `other`, nor a fork that reads from it). */
  copiedFrom(other: EntryLog): boolean {
    return this !== other && this.parent === null;
  }

  /** The lowest position the log holds. */
  get first(): number {
    return this.parent === null ? this.base : this.parent.base;
  }

  private get length(): number {
    return this.base + this.keys.length;
  }

  keyAt(at: number): string {
    return at >= this.base ? this.keys[at - this.base] : (this.parent as EntryLog).keyAt(at);
  }

  textAt(at: number): string {
    return at >= this.base ? this.texts[at - this.base] : (this.parent as EntryLog).textAt(at);
  }

  /** The position of `key` within `[start, end)`, or -1. */
  find(key: string, start: number, end: number): number {
    let at = this.latest.get(key) ?? -1;
    while (at >= end) at = this.previous[at - this.base];
    // Found among the own positions, it is the only one in the range (a key is added to a window only when absent).
    if (at >= 0) return at >= start ? at : -1;
    return this.parent !== null && start < this.base ? this.parent.find(key, start, Math.min(end, this.base)) : -1;
  }

  /**
   * The log holding the range `[start, end)` followed by `key` and `text` at position `end`: this
   * one when the range ends where it does, else a fork, or a copy of the range (with the texts
   * `replaced`; its {@link first} then differs).
   */
  pushed(key: string, text: string, start: number, end: number, replaced: ImmutableMap<number, string>): EntryLog {
    const log = end === this.length ? this : this.branched(start, end, replaced);
    log.push(key, text);
    return log;
  }

  /** A new log holding the range `[start, end)`, to add to: a fork of this one, or a copy of the range. */
  private branched(start: number, end: number, replaced: ImmutableMap<number, string>): EntryLog {
    if (this.parent === null && end >= this.base) return new EntryLog(this, end);
    if (this.parent !== null && end >= this.base && end - this.base <= FORK_COPIES) {
      const fork = new EntryLog(this.parent, this.base);
      for (let at = this.base; at < end; at++) fork.push(this.keys[at - this.base], this.texts[at - this.base]);
      return fork;
    }
    const entries: Array<[string, string]> = [];
    for (let at = start; at < end; at++)
      entries.push([this.keyAt(at), (replaced.size > 0 && replaced.get(at)) || this.textAt(at)]);
    return EntryLog.of(entries, start);
  }

  private push(key: string, text: string): void {
    this.previous.push(this.latest.get(key) ?? -1);
    this.latest.set(key, this.length);
    this.keys.push(key);
    this.texts.push(text);
  }
}
