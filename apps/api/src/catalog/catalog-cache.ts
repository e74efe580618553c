import { accountOf, defineMeter, mapSubject, meterFrom } from '@tally/domain';
import {
  deserialize,
  serialize,
  streamNames,
  METER_STREAM_PREFIX,
  type MeterDefinition,
  type MeterEvent,
  type SubjectEvent,
} from '@tally/events';
import { retryOnConflict, type EventBatch, type EventStore, type RecordedEvent } from '@tally/eventstore';
import { LruMap } from '../runtime/lru-map';
import { CatalogFeed } from './catalog-feed';

// An entry the change feed does not keep current is read again after this long: another
// instance's change is seen within it.
const TTL_MS = 2000;

type CatalogEvent = MeterEvent | SubjectEvent;

interface Entry<T> {
  value: T[];
  revision: bigint | 'no_stream';
  /** `now()` when its read began: cache age is a duration, never business time. */
  at: number;
  /** The feed subscription live when it was read, which keeps it current; undefined: none was. */
  feed: number | undefined;
}

/** A read or write in flight: the newest revision of its stream the feed delivered meanwhile. */
interface Watch {
  newest: bigint;
}

/** Options of a {@link CatalogCache}. */
export interface CatalogCacheOptions {
  /** A monotonic clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /** How often the change feed reads the store (default 0.5 s). */
  feedIntervalMs?: number;
  /** Told why the change feed failed; it subscribes again by itself. */
  onFeedError?: (error: unknown) => void;
}

/**
 * Meters and subject mappings: small streams read on the deciding path, so cached. Once
 * {@link start}ed, a change feed (four small statements a second, whatever the number of
 * entries) applies every change to the entries cached, which are then not read again while the
 * feed knows itself current; without it, or while it is down or held back, an entry is read again
 * after 2 s. This process's own writes update it at once. What they say is decided by the domain (`libs/domain/src/meters-and-subjects.ts`).
 */
export class CatalogCache {
  private readonly meters: LruMap<string, Entry<MeterEvent>>;
  private readonly subjects: LruMap<string, Entry<SubjectEvent>>;
  private readonly reading = new Map<string, Promise<Entry<CatalogEvent>>>();
  private readonly watches = new Map<string, Set<Watch>>();
  private readonly feed: CatalogFeed;
  private readonly now: () => number;

  /** @param limit most subjects (and meters) kept, oldest read dropped first: memory stays bounded however many subjects report. */
  constructor(
    private readonly store: EventStore,
    limit = 10_000,
    options: CatalogCacheOptions = {},
  ) {
    this.meters = new LruMap(limit);
    this.subjects = new LruMap(limit);
    this.now = options.now ?? (() => performance.now());
    this.feed = new CatalogFeed(store, (batch) => this.apply(batch), {
      now: this.now,
      intervalMs: options.feedIntervalMs,
      onError: options.onFeedError,
    });
  }

  /** Starts the change feed. */
  start(): void {
    this.feed.start();
  }

  /** Whether the change feed keeps the entries read now current (else they expire after 2 s). */
  get following(): boolean {
    return this.feed.live !== null && this.current();
  }

  // The feed knew itself current less than 2 s ago: no change older than that is missing.
  private current(): boolean {
    return this.now() - this.feed.confirmedAt < TTL_MS;
  }

  async close(): Promise<void> {
    await this.feed.stop();
  }

  async meter(name: string): Promise<MeterDefinition | null> {
    return meterFrom((await this.read(this.meters, streamNames.meter(name))).value);
  }

  async accountOf(subject: string): Promise<string> {
    return accountOf(subject, (await this.read(this.subjects, streamNames.subject(subject))).value);
  }

  /**
   * {@link meter} and {@link accountOf} without a promise, when the entry is cached and fresh (as
   * those would serve it without reading); undefined otherwise, when the caller asks them.
   */
  cachedMeter(name: string): MeterDefinition | null | undefined {
    const hit = this.meters.get(streamNames.meter(name));
    return hit && this.fresh(hit) ? meterFrom(hit.value) : undefined;
  }

  /** See {@link cachedMeter}. */
  cachedAccountOf(subject: string): string | undefined {
    const hit = this.subjects.get(streamNames.subject(subject));
    return hit && this.fresh(hit) ? accountOf(subject, hit.value) : undefined;
  }

  /**
   * The account of each subject, in the order given: the subjects not cached (or whose entries
   * the feed does not keep current and are older than 2 s) are read from the store together, in
   * one read, not one each (a Kafka slice names hundreds of subjects).
   */
  async accountsOf(subjects: readonly string[]): Promise<string[]> {
    const entries = await this.readAll(
      this.subjects,
      subjects.map((subject) => streamNames.subject(subject)),
    );
    return subjects.map((subject, i) => accountOf(subject, entries[i].value));
  }

  /** Defines a meter; returns whether anything changed. */
  async defineMeter(definition: MeterDefinition, now: string): Promise<boolean> {
    const stream = streamNames.meter(definition.meter);
    return this.write(this.meters, stream, (events) => defineMeter(meterFrom(events), definition, now));
  }

  /** Maps a subject to an account; returns whether anything changed. */
  async mapSubject(subject: string, account: string, now: string): Promise<boolean> {
    return this.write(this.subjects, streamNames.subject(subject), (events) => mapSubject(subject, account, events, now));
  }

  /** Whether a cached entry can be served without reading its stream again. */
  private fresh(entry: Entry<CatalogEvent>): boolean {
    return this.now() - entry.at < TTL_MS || (entry.feed !== undefined && entry.feed === this.feed.live && this.current());
  }

  private async read<T extends CatalogEvent>(cache: LruMap<string, Entry<T>>, stream: string): Promise<Entry<T>> {
    const hit = cache.get(stream);
    if (hit && this.fresh(hit)) return hit;
    // Concurrent misses for one stream share a single read.
    const pending = this.reading.get(stream);
    if (pending) return pending as Promise<Entry<T>>;
    const reading = this.watching(stream, async (watch) => {
      const entry = await this.load<T>(stream);
      this.keep(cache, stream, entry, watch);
      return entry;
    }).finally(() => this.reading.delete(stream));
    this.reading.set(stream, reading as Promise<Entry<CatalogEvent>>);
    return reading;
  }

  /** {@link read} for several streams: those to be read from the store are read in one read. */
  private readAll<T extends CatalogEvent>(cache: LruMap<string, Entry<T>>, streams: string[]): Promise<Entry<T>[]> {
    const missing: string[] = [];
    const asked = new Set<string>();
    const found = streams.map((stream) => {
      const hit = cache.get(stream);
      if (hit && this.fresh(hit)) return hit;
      const pending = this.reading.get(stream) as Promise<Entry<T>> | undefined;
      if (pending) return pending;
      if (!asked.has(stream)) {
        asked.add(stream);
        missing.push(stream);
      }
      return null;
    });
    if (missing.length === 0) return Promise.all(found as Array<Entry<T> | Promise<Entry<T>>>);
    const watches = missing.map((stream) => this.watch(stream));
    const at = this.now();
    const feed = this.feed.live ?? undefined;
    const read = this.store
      .readStreams(missing)
      .then((all) =>
        all.map((recorded, i) => {
          const entry = entryOf<T>(recorded, at, feed);
          this.keep(cache, missing[i], entry, watches[i].watch);
          return entry;
        }),
      )
      .finally(() => watches.forEach(({ release }) => release()));
    missing.forEach((stream, i) => {
      const one = read.then((entries) => entries[i]).finally(() => this.reading.delete(stream));
      this.reading.set(stream, one as Promise<Entry<CatalogEvent>>);
    });
    return Promise.all(found.map((entry, i) => entry ?? (this.reading.get(streams[i]) as Promise<Entry<T>>)));
  }

  private async write<T extends CatalogEvent>(
    cache: LruMap<string, Entry<T>>,
    stream: string,
    decide: (events: T[]) => T[],
  ): Promise<boolean> {
    return retryOnConflict(
      () =>
        this.watching(stream, async (watch) => {
          const current = await this.load<T>(stream);
          const events = decide(current.value);
          if (events.length === 0) {
            this.keep(cache, stream, current, watch);
            return false;
          }
          const { nextRevision } = await this.store.appendToStream(stream, events.map(serialize), current.revision);
          this.keep(cache, stream, { ...current, value: [...current.value, ...events], revision: nextRevision }, watch);
          return true;
        }),
      { attempts: 10, baseDelayMs: 5 },
    );
  }

  /** The stream as the store has it now, and the feed that will keep it current from here, if any. */
  private async load<T extends CatalogEvent>(stream: string): Promise<Entry<T>> {
    const at = this.now();
    const feed = this.feed.live ?? undefined;
    return entryOf<T>(await this.store.readStream(stream), at, feed);
  }

  /**
   * Caches what was read (or written), unless the feed delivered a newer change of the stream
   * while it was in flight: the feed applies changes only to entries cached, so that entry would
   * otherwise stay behind.
   */
  private keep<T extends CatalogEvent>(cache: LruMap<string, Entry<T>>, stream: string, entry: Entry<T>, watch: Watch): void {
    if (watch.newest > revisionOf(entry)) cache.delete(stream);
    else cache.set(stream, entry);
  }

  private async watching<R>(stream: string, work: (watch: Watch) => Promise<R>): Promise<R> {
    const { watch, release } = this.watch(stream);
    try {
      return await work(watch);
    } finally {
      release();
    }
  }

  /** Notes the newest revision of `stream` the feed delivers until released (see {@link keep}). */
  private watch(stream: string): { watch: Watch; release: () => void } {
    const watch: Watch = { newest: -1n };
    let watches = this.watches.get(stream);
    if (!watches) this.watches.set(stream, (watches = new Set()));
    watches.add(watch);
    const of = watches;
    return {
      watch,
      release: () => {
        of.delete(watch);
        if (of.size === 0 && this.watches.get(stream) === of) this.watches.delete(stream);
      },
    };
  }

  /** The feed's changes: appended to the entries they follow, the others dropped (read again when asked). */
  private apply(batch: EventBatch): void {
    for (const recorded of batch) {
      const stream = recorded.streamName;
      for (const watch of this.watches.get(stream) ?? []) if (recorded.revision > watch.newest) watch.newest = recorded.revision;
      const cache: LruMap<string, Entry<CatalogEvent>> = stream.startsWith(METER_STREAM_PREFIX) ? this.meters : this.subjects;
      const entry = cache.get(stream);
      if (!entry || recorded.revision <= revisionOf(entry)) continue;
      if (recorded.revision === revisionOf(entry) + 1n) {
        entry.value = [...entry.value, deserialize(recorded) as CatalogEvent];
        entry.revision = recorded.revision;
      } else cache.delete(stream);
    }
  }
}

function revisionOf(entry: Entry<CatalogEvent>): bigint {
  return entry.revision === 'no_stream' ? -1n : entry.revision;
}

/** A stream's events as the cache keeps them, read from `at` on, kept current by `feed` if any. */
function entryOf<T extends CatalogEvent>(recorded: RecordedEvent[], at: number, feed: number | undefined): Entry<T> {
  return {
    value: recorded.map((e) => deserialize(e) as T),
    revision: recorded.length ? recorded[recorded.length - 1].revision : 'no_stream',
    at,
    feed,
  };
}
