import { accountOf, defineMeter, mapSubject, meterFrom } from '@tally/domain';
import { deserialize, serialize, streamNames, type MeterDefinition, type MeterEvent, type SubjectEvent } from '@tally/events';
import { retryOnConflict, type EventStore, type RecordedEvent } from '@tally/eventstore';
import { LruMap } from '../runtime/lru-map';

// Definitions change rarely; another instance's change is seen within this long.
const TTL_MS = 2000;

interface Entry<T> {
  value: T;
  revision: bigint | 'no_stream';
  /** performance.now() when read: cache age is a duration, never business time. */
  at: number;
}

/**
 * Meters and subject mappings: small streams read on the deciding path, so kept in a short
 * cache that this process's own writes refresh at once. What they say is decided by the domain
 * (`libs/domain/src/meters-and-subjects.ts`).
 */
export class CatalogCache {
  private readonly meters: LruMap<string, Entry<MeterEvent[]>>;
  private readonly subjects: LruMap<string, Entry<SubjectEvent[]>>;
  private readonly reading = new Map<string, Promise<unknown>>();

  /** @param limit most subjects (and meters) kept, oldest read dropped first: memory stays bounded however many subjects report. */
  constructor(
    private readonly store: EventStore,
    limit = 10_000,
  ) {
    this.meters = new LruMap(limit);
    this.subjects = new LruMap(limit);
  }

  async meter(name: string): Promise<MeterDefinition | null> {
    return meterFrom((await this.read(this.meters, streamNames.meter(name))).value);
  }

  async accountOf(subject: string): Promise<string> {
    return accountOf(subject, (await this.read(this.subjects, streamNames.subject(subject))).value);
  }

  /**
   * The account of each subject, in the order given: the subjects not cached (or cached longer
   * than the cache's life) are read from the store together, in one read, not one each.
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

  private async read<T extends MeterEvent | SubjectEvent>(
    cache: LruMap<string, Entry<T[]>>,
    stream: string,
    fresh = false,
  ): Promise<Entry<T[]>> {
    const hit = cache.get(stream);
    if (hit && !fresh && performance.now() - hit.at < TTL_MS) return hit;
    // Concurrent misses for one stream share a single read.
    const pending = this.reading.get(stream);
    if (pending && !fresh) return pending as Promise<Entry<T[]>>;
    const reading = (async () => {
      const entry = entryOf(await this.store.readStream(stream), (e) => deserialize(e) as T);
      cache.set(stream, entry);
      return entry;
    })().finally(() => this.reading.delete(stream));
    this.reading.set(stream, reading);
    return reading;
  }

  /** {@link read} for several distinct streams: those to be read from the store in one read. */
  private readAll<T extends MeterEvent | SubjectEvent>(
    cache: LruMap<string, Entry<T[]>>,
    streams: string[],
  ): Promise<Entry<T[]>[]> {
    const missing: string[] = [];
    const found = streams.map((stream) => {
      const hit = cache.get(stream);
      if (hit && performance.now() - hit.at < TTL_MS) return hit;
      const pending = this.reading.get(stream) as Promise<Entry<T[]>> | undefined;
      if (pending) return pending;
      missing.push(stream);
      return null;
    });
    if (missing.length === 0) return Promise.all(found as Array<Entry<T[]> | Promise<Entry<T[]>>>);
    const read = this.store.readStreams(missing).then((all) =>
      all.map((recorded, i) => {
        const entry = entryOf(recorded, (e) => deserialize(e) as T);
        cache.set(missing[i], entry);
        return entry;
      }),
    );
    const reading = new Map(
      missing.map((stream, i) => {
        const one = read.then((entries) => entries[i]).finally(() => this.reading.delete(stream));
        this.reading.set(stream, one);
        return [stream, one];
      }),
    );
    return Promise.all(found.map((entry, i) => entry ?? (reading.get(streams[i]) as Promise<Entry<T[]>>)));
  }

  private async write<T extends MeterEvent | SubjectEvent>(
    cache: LruMap<string, Entry<T[]>>,
    stream: string,
    decide: (events: T[]) => T[],
  ): Promise<boolean> {
    return retryOnConflict(
      async () => {
        const current = await this.read(cache, stream, true);
        const events = decide(current.value);
        if (events.length === 0) return false;
        const { nextRevision } = await this.store.appendToStream(stream, events.map(serialize), current.revision);
        cache.set(stream, { value: [...current.value, ...events], revision: nextRevision, at: performance.now() });
        return true;
      },
      { attempts: 10, baseDelayMs: 5 },
    );
  }
}

/** A stream's events as the cache keeps them, read just now. */
function entryOf<T>(recorded: RecordedEvent[], parse: (e: RecordedEvent) => T): Entry<T[]> {
  return {
    value: recorded.map(parse),
    revision: recorded.length ? recorded[recorded.length - 1].revision : 'no_stream',
    at: performance.now(),
  };
}
