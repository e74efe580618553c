import type { AppendResult, Claim, EventStore, ExpectedRevision, StreamAppend } from './event-store';
import type { StoredEvent } from '@tally/events';

export interface GroupCommitOptions {
  /** Most streams appended in one group (one statement). */
  maxStreams: number;
  /** Groups being committed at once; appends that arrive meanwhile wait for the next group. */
  maxInFlight: number;
  /** Told the size of every group committed, for metrics. */
  onGroup?: (streams: number) => void;
}

interface Waiting {
  /** One part, or the parts of one atomic append (which share an `atomic` key). */
  parts: StreamAppend[];
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit: appends to distinct streams made in the same moment go to the store together,
 * as one {@link EventStore.appendMany} (one transaction), while earlier groups are committing.
 * Each caller still learns its own outcome only once its group is durable, and a conflict or a
 * refused payload rejects only its own append. Idle, an append is committed on the next turn of
 * the event loop; busy, the group grows with the load, so the store sees one commit for many.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private units = 0;

  constructor(
    private readonly store: Pick<EventStore, 'appendMany'>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Appends like {@link EventStore.appendToStream}, resolving once the group holding it is committed. */
  append(stream: string, events: StoredEvent[], expected: ExpectedRevision, claims: Claim[] = []): Promise<AppendResult> {
    // One promise per append, resolved with its one result (not an async function awaiting another).
    return new Promise((resolve, reject) => {
      const part = claims.length > 0 ? { stream, events, expected, claims } : { stream, events, expected };
      this.enqueue([part], (results) => resolve(results[0]), reject);
    });
  }

  /**
   * Appends like {@link EventStore.appendAtomically} (all or nothing where the store can), as one
   * unit of a group: an account's registration rides with the other accounts' decisions.
   */
  appendAtomically(parts: StreamAppend[]): Promise<AppendResult[]> {
    const atomic = `unit-${++this.units}`;
    return new Promise((resolve, reject) =>
      this.enqueue(
        parts.map((part) => ({ ...part, atomic })),
        resolve,
        reject,
      ),
    );
  }

  /** `parts` into the next group; `resolve` gets their results in order once it is committed. */
  private enqueue(parts: StreamAppend[], resolve: (results: AppendResult[]) => void, reject: (error: unknown) => void): void {
    this.waiting.push({ parts, resolve, reject });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    // One turn of the event loop: every append decided from the I/O that just arrived joins.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) void this.commit(this.nextGroup());
    });
  }

  /** The oldest waiting appends, one per stream (a second append to a stream waits for the next group). */
  private nextGroup(): Waiting[] {
    const group: Waiting[] = [];
    const streams = new Set<string>();
    const rest: Waiting[] = [];
    for (const w of this.waiting) {
      const fits = group.length === 0 || streams.size + w.parts.length <= this.options.maxStreams;
      if (fits && w.parts.every((p) => !streams.has(p.stream))) {
        for (const p of w.parts) streams.add(p.stream);
        group.push(w);
      } else rest.push(w);
    }
    this.waiting = rest;
    return group;
  }

  private async commit(group: Waiting[]): Promise<void> {
    this.inFlight++;
    try {
      const parts = group.flatMap((w) => w.parts);
      const outcomes = await this.store.appendMany(parts);
      this.options.onGroup?.(parts.length);
      let next = 0;
      for (const w of group) {
        const mine = outcomes.slice(next, (next += w.parts.length));
        const failed = mine.find((o) => !o.ok);
        if (failed && !failed.ok) w.reject(failed.error);
        else w.resolve(mine.flatMap((o) => (o.ok ? [o.result] : [])));
      }
    } catch (error) {
      group.forEach((w) => w.reject(error));
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
