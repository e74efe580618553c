/** One read waiting in {@link GroupedReads}. */
interface Waiting<Q, T> {
  query: Q;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Statements of one {@link GroupedReads} out at once; the reads asked for meanwhile go in the next. */
const IN_FLIGHT = 2;
/** Most reads in one statement. */
const MAX_READS = 500;

/**
 * Reads of one kind (a stream's last event, its snapshot, a dry run's events and claims), many in
 * one statement: the first goes out at once, and while {@link IN_FLIGHT} statements are out the
 * reads asked for meanwhile wait and go together in the next, as the group commit does with
 * appends. A read is sent only after it was asked for, so what it returns is at least as new as the
 * store was then. Concurrent cold loads of different accounts thus share their statements (one root
 * read for a burst of never-seen accounts, not one each), and so do concurrent dry runs.
 */
export class GroupedReads<Q, T> {
  private waiting: Waiting<Q, T>[] = [];
  private inFlight = 0;

  /** @param readAll one statement's answer: one value per query, in the order given (queries may repeat). */
  constructor(private readonly readAll: (queries: Q[]) => Promise<T[]>) {}

  read(query: Q): Promise<T> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ query, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.inFlight >= IN_FLIGHT || this.waiting.length === 0) return;
    const reads = this.waiting.splice(0, MAX_READS);
    this.inFlight++;
    void this.answer(reads).finally(() => {
      this.inFlight--;
      this.next();
    });
  }

  private async answer(reads: Waiting<Q, T>[]): Promise<void> {
    try {
      const values = await this.readAll(reads.map((r) => r.query));
      reads.forEach((read, i) => read.resolve(values[i]));
    } catch (error) {
      for (const read of reads) read.reject(error);
    }
  }
}
