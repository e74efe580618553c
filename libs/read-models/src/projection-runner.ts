import { deserialize, ACCOUNT_STREAM_PREFIX, METER_STREAM_PREFIX } from '@tally/events';
import type { Checkpoint, EventStore, RecordedEvent, SqlClient, SqlQueryable, Subscription } from '@tally/eventstore';
import { isSqlProjection, tableOf, type ProjectedEvent, type Projection, type ReadModelProjection } from './projection';
import { applyToProjection, ROW_CACHE_ENTRIES, RowCache } from './projection-rows';
import { CHECKPOINTS_TABLE, ensureReadModelSchema } from './schema';
import { mapYielding } from './yielding';

/** Streams the read models are built from. */
export const PROJECTED_STREAM_PREFIXES = [ACCOUNT_STREAM_PREFIX, METER_STREAM_PREFIX];

/** What the runner reports after each batch, for logs and metrics. */
export interface BatchReport {
  events: number;
  position: Checkpoint;
  /** Seconds between the newest event of the batch being stored and it being projected. */
  lagSeconds: number;
  /** The same for the oldest event of the batch: the longest any of its events waited. */
  oldestLagSeconds: number;
}

/** Batch size and the hooks the runner reports to. */
export interface RunnerOptions {
  /** Events per page read from the store and projected in one transaction (5,000 unless given). */
  batchSize?: number;
  /**
   * Rows of each keyed projection kept between batches, the least recently used dropped first
   * ({@link ROW_CACHE_ENTRIES} unless given; 0 keeps none). See {@link ProjectionRunner}.
   */
  rowCacheEntries?: number;
  /** Events projected between two calls of the projections' `maintain` (100,000 unless given). */
  maintainEvery?: number;
  onBatch?: (report: BatchReport) => void;
  onError?: (error: unknown) => void;
  /** A projection's `maintain` failed; nothing is retried (its rows are right) and projecting goes on. */
  onMaintenanceError?: (error: unknown, projection: string) => void;
}

/**
 * Subscribes to the store from the oldest checkpoint of its projections and writes each batch
 * into every projection's table and checkpoint in one transaction. Events at or below a
 * projection's checkpoint are skipped, so a redelivered batch changes nothing.
 *
 * The runner keeps the rows its batches wrote (a bounded cache per keyed projection), so that
 * the next batch does not read and parse again the rows it rewrites (over 1,000 accounts, most
 * usage rows and wallets are in every page). A projection's cache holds only while its
 * checkpoint row is the version this runner committed last (its position and the transaction
 * that wrote it, `xmin`, read under the batch's `for update`): another projector, the rebuild
 * command or a manual reset writing it empties the cache, and so does a batch that does not
 * commit.
 */
export class ProjectionRunner {
  private subscription: Subscription | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private sinceMaintained = 0;
  /** Each keyed projection's rows as this runner last wrote them. */
  private readonly caches = new Map<string, RowCache>();
  /** The version of each checkpoint row this runner committed last: what its cache holds for. */
  private committed = new Map<string, string>();
  /** The batch being projected: the next waits for it. */
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: SqlClient,
    private readonly store: EventStore,
    private readonly projections: readonly ReadModelProjection[],
    private readonly options: RunnerOptions = {},
  ) {}

  async init(): Promise<void> {
    await ensureReadModelSchema(this.db, this.projections);
  }

  /**
   * Projects in the background until {@link stop}. A failed batch is rolled back, reported,
   * and retried from the stored checkpoint after a growing pause; it is never skipped.
   */
  start(): void {
    this.stopped = false;
    this.running = (async () => {
      for (let failures = 0; !this.stopped;) {
        try {
          this.subscription = this.store.subscribe({
            from: await this.oldestCheckpoint(),
            prefixes: PROJECTED_STREAM_PREFIXES,
            // Large pages: a batch costs a dozen statements whatever its size, so under load the
            // read models keep up only if each batch carries many events.
            batchSize: this.options.batchSize ?? 5000,
          });
          // The next page is read while this one is written: reading and writing overlap.
          for await (const batch of readAhead(this.subscription)) {
            await this.apply(batch);
            failures = 0;
          }
        } catch (error) {
          this.options.onError?.(error);
          await this.subscription?.close();
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** failures++)));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.running;
    this.subscription = null;
    this.running = null;
  }

  /** The position every projection has reached (null if any has projected nothing yet). */
  async oldestCheckpoint(db: SqlQueryable = this.db): Promise<Checkpoint | null> {
    const positions = Object.values(await this.checkpoints(db));
    if (positions.some((p) => p === null)) return null;
    return (positions as Checkpoint[]).reduce((a, b) => (this.store.compare(a, b) <= 0 ? a : b));
  }

  /**
   * How far the read models are behind the store: the age in seconds of the oldest stored
   * event not projected yet, 0 when caught up. Measured against the store, so it keeps growing
   * while a projector is stalled or stopped (the age of its last batch would stand still).
   */
  async lagSeconds(now = Date.now()): Promise<number> {
    const next = await this.store.firstEventAfter(await this.oldestCheckpoint(), PROJECTED_STREAM_PREFIXES);
    return next ? Math.max(0, (now - Date.parse(next.createdAt)) / 1000) : 0;
  }

  /** Resolves once every projection has reached `position`; false if `timeoutMs` passed first. */
  async waitFor(position: Checkpoint, timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reached = await this.oldestCheckpoint();
      if (reached !== null && this.store.compare(reached, position) >= 0) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Projects one batch; exposed for the rebuild command, which drives the subscription itself.
   * Batches given at once are projected one after the other: a batch must not read the rows
   * another one of this runner has kept but not yet committed (or is rolling back).
   */
  apply(batch: RecordedEvent[]): Promise<void> {
    const applied = this.applying.then(() => this.applyNow(batch));
    this.applying = applied.catch(() => undefined);
    return applied;
  }

  private async applyNow(batch: RecordedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    // In chunks: beside the api, a large page (the projector catching up) must not hold the loop.
    const events = await mapYielding(batch, (recorded) => ({ recorded, event: deserialize(recorded) }));
    const committed = new Map<string, string>();
    try {
      await this.db.transaction(async (tx) => {
        await this.write(tx, batch, events, committed);
      });
    } catch (error) {
      // What the caches hold may be what this transaction wrote and then rolled back.
      this.forgetRows();
      throw error;
    }
    this.committed = committed;
    await this.maintain(batch.length);
    const newest = batch[batch.length - 1];
    const ageOf = (e: RecordedEvent) => Math.max(0, (Date.now() - Date.parse(e.createdAt)) / 1000);
    this.options.onBatch?.({
      events: batch.length,
      position: newest.position,
      lagSeconds: ageOf(newest),
      oldestLagSeconds: ageOf(batch[0]),
    });
  }

  // The batch's rows and checkpoints, in its transaction; `committed` gets each checkpoint row's
  // version as this transaction leaves it, for the caches to hold for once it commits.
  private async write(
    tx: SqlQueryable,
    batch: RecordedEvent[],
    events: ProjectedEvent[],
    committed: Map<string, string>,
  ): Promise<void> {
    const checkpoints: Record<string, Checkpoint | null> = {};
    const { rows } = await tx.query<{ name: string; position: string | null; version: string }>(
      `select name, position, xmin::text as version from ${CHECKPOINTS_TABLE} where name = any($1::text[]) for update`,
      [this.projections.map((p) => p.name)],
    );
    for (const p of this.projections) checkpoints[p.name] = null;
    for (const r of rows) {
      checkpoints[r.name] = r.position;
      // Written by someone else since (or never by this runner): its cache may not be the table.
      if (this.committed.get(r.name) !== versionOf(r)) this.caches.get(r.name)?.clear();
      committed.set(r.name, versionOf(r));
    }
    for (const p of this.projections) {
      if (!committed.has(p.name)) this.caches.get(p.name)?.clear();
      const since = checkpoints[p.name];
      // Usually the whole batch lies after every checkpoint: compare once, not once per event.
      const allFresh = !since || this.store.compare(batch[0].position, since) > 0;
      const fresh = allFresh ? events : events.filter((e) => this.store.compare(e.recorded.position, since) > 0);
      if (isSqlProjection(p)) {
        if (fresh.length) await p.apply(tx, fresh, tableOf(p));
      } else await applyToProjection(tx, p, fresh, this.cacheOf(p));
    }
    const last = batch[batch.length - 1].position;
    // A checkpoint only moves forward: a batch delivered again after a later one rewinds nothing.
    const behind = this.projections.filter((p) => {
      const since = checkpoints[p.name];
      return !since || this.store.compare(last, since) > 0;
    });
    const moved = await tx.query<{ name: string; position: string | null; version: string }>(
      `update ${CHECKPOINTS_TABLE} set position = $1, updated_at = now() where name = any($2::text[])
       returning name, position, xmin::text as version`,
      [last, behind.map((p) => p.name)],
    );
    for (const r of moved.rows) committed.set(r.name, versionOf(r));
  }

  private cacheOf(p: Projection): RowCache | undefined {
    if (p.cached === false) return undefined;
    let cache = this.caches.get(p.name);
    if (!cache) {
      cache = new RowCache(this.options.rowCacheEntries ?? ROW_CACHE_ENTRIES);
      this.caches.set(p.name, cache);
    }
    return cache;
  }

  /** Empties every cache: its rows are read from the tables again. */
  private forgetRows(): void {
    for (const cache of this.caches.values()) cache.clear();
    this.committed = new Map();
  }

  // After the batch's transaction: a vacuum cannot run inside one. A failure is reported and
  // projecting goes on (the rows are right; only their space waits for the next call).
  private async maintain(events: number): Promise<void> {
    this.sinceMaintained += events;
    if (this.sinceMaintained < (this.options.maintainEvery ?? 100_000)) return;
    this.sinceMaintained = 0;
    for (const p of this.projections) {
      if (!isSqlProjection(p) || !p.maintain) continue;
      try {
        await p.maintain(this.db, tableOf(p));
      } catch (error) {
        this.options.onMaintenanceError?.(error, p.name);
      }
    }
  }

  private async checkpoints(db: SqlQueryable): Promise<Record<string, Checkpoint | null>> {
    const { rows } = await db.query<{ name: string; position: string | null }>(
      `select name, position from ${CHECKPOINTS_TABLE} where name = any($1::text[])`,
      [this.projections.map((p) => p.name)],
    );
    const found = Object.fromEntries(rows.map((r) => [r.name, r.position]));
    return Object.fromEntries(this.projections.map((p) => [p.name, found[p.name] ?? null]));
  }
}

/** A checkpoint row's version: its position and the transaction that wrote it. */
const versionOf = (r: { position: string | null; version: string }) => `${r.position ?? ''}@${r.version}`;

/**
 * Iterates `source` with its next item already requested while the caller works on the current
 * one. A failure of the item read ahead surfaces when the caller reaches it.
 */
async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = iterator.next();
      // Abandoned if the caller stops first: its failure is nobody's to handle.
      next.catch(() => undefined);
      yield result.value;
    }
  } finally {
    await iterator.return?.();
  }
}
