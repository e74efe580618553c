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
  part: StreamAppend;
  resolve(result: AppendResult): void;
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

  constructor(
    private readonly store: Pick<EventStore, 'appendMany'>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Appends like {@link EventStore.appendToStream}, resolving once the group holding it is committed. */
  append(stream: string, events: StoredEvent[], expected: ExpectedRevision, claims: Claim[] = []): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({
        part: claims.length > 0 ? { stream, events, expected, claims } : { stream, events, expected },
        resolve,
        reject,
      });
      this.schedule();
    });
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
      if (group.length < this.options.maxStreams && !streams.has(w.part.stream)) {
        streams.add(w.part.stream);
        group.push(w);
      } else rest.push(w);
    }
    this.waiting = rest;
    return group;
  }

  private async commit(group: Waiting[]): Promise<void> {
    this.inFlight++;
    try {
      const outcomes = await this.store.appendMany(group.map((w) => w.part));
      this.options.onGroup?.(group.length);
      group.forEach((w, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) w.resolve(outcome.result);
        else w.reject(outcome.error);
      });
    } catch (error) {
      group.forEach((w) => w.reject(error));
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
