import { accountOf, defineMeter, mapSubject, meterFrom } from '@tally/domain';
import { deserialize, serialize, streamNames, type MeterDefinition, type MeterEvent, type SubjectEvent } from '@tally/events';
import { retryOnConflict, type EventStore } from '@tally/eventstore';
import { LruMap } from '../runtime/lru-map';

// Definitions change rarely; another instance's change is seen within this long.
const TTL_MS = 2000;
// An entry this old is still served, and read again in the background: a meter or subject in
// steady use is refreshed off the request path (at 1,000 subjects a second, every decision
// otherwise waited for a read of its subject's stream about once in two).
const REFRESH_AFTER_MS = 1500;

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
    const pending = this.reading.get(stream);
    if (hit && !fresh) {
      const age = performance.now() - hit.at;
      if (age < TTL_MS) {
        // A failed refresh costs nothing: the entry expires and the next request reads it.
        if (age >= REFRESH_AFTER_MS && !pending) this.load(cache, stream).catch(() => undefined);
        return hit;
      }
    }
    // Concurrent misses for one stream share a single read.
    if (pending && !fresh) return pending as Promise<Entry<T[]>>;
    return this.load(cache, stream);
  }

  private load<T extends MeterEvent | SubjectEvent>(cache: LruMap<string, Entry<T[]>>, stream: string): Promise<Entry<T[]>> {
    const reading = (async () => {
      const recorded = await this.store.readStream(stream);
      const entry: Entry<T[]> = {
        value: recorded.map((e) => deserialize(e) as T),
        revision: recorded.length ? recorded[recorded.length - 1].revision : 'no_stream',
        at: performance.now(),
      };
      // A read that began before this process's own write must not put the older stream back.
      const current = cache.get(stream);
      if (current && newer(current.revision, entry.revision)) return current;
      cache.set(stream, entry);
      return entry;
    })().finally(() => {
      if (this.reading.get(stream) === reading) this.reading.delete(stream);
    });
    this.reading.set(stream, reading);
    return reading;
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

/** Whether revision `a` of a stream is past revision `b`. */
function newer(a: bigint | 'no_stream', b: bigint | 'no_stream'): boolean {
  return a !== 'no_stream' && (b === 'no_stream' || a > b);
}
