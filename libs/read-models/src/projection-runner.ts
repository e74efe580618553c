import { deserialize, ACCOUNT_STREAM_PREFIX, METER_STREAM_PREFIX, type TallyEvent } from '@tally/events';
import type { Checkpoint, EventStore, RecordedEvent, SqlClient, SqlQueryable, Subscription } from '@tally/eventstore';
import type { EventContext, Projection } from './projection';
import { CHECKPOINTS_TABLE, ensureReadModelSchema } from './schema';

/** Streams the read models are built from. */
export const PROJECTED_STREAM_PREFIXES = [ACCOUNT_STREAM_PREFIX, METER_STREAM_PREFIX];

/** What the runner reports after each batch, for logs and metrics. */
export interface BatchReport {
  events: number;
  position: Checkpoint;
  /** Seconds between the newest event of the batch being stored and it being projected. */
  lagSeconds: number;
}

export interface RunnerOptions {
  batchSize?: number;
  onBatch?: (report: BatchReport) => void;
  onError?: (error: unknown) => void;
}

/**
 * Subscribes to the store from the oldest checkpoint of its projections and writes each batch
 * into every projection's table and checkpoint in one transaction. Events at or below a
 * projection's checkpoint are skipped, so a redelivered batch changes nothing.
 */
export class ProjectionRunner {
  private subscription: Subscription | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly db: SqlClient,
    private readonly store: EventStore,
    private readonly projections: readonly Projection<never>[],
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
            batchSize: this.options.batchSize ?? 500,
          });
          for await (const batch of this.subscription) {
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

  /** Projects one batch; exposed for the rebuild command, which drives the subscription itself. */
  async apply(batch: RecordedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    const events = batch.map((recorded) => ({ recorded, event: deserialize(recorded) }));
    await this.db.transaction(async (tx) => {
      const checkpoints = await this.checkpoints(tx, true);
      for (const p of this.projections) {
        const since = checkpoints[p.name];
        const fresh = since ? events.filter((e) => this.store.compare(e.recorded.position, since) > 0) : events;
        await applyToProjection(tx, p, fresh);
      }
      const last = batch[batch.length - 1].position;
      await tx.query(`update ${CHECKPOINTS_TABLE} set position = $1, updated_at = now() where name = any($2::text[])`, [
        last,
        this.projections.map((p) => p.name),
      ]);
    });
    const newest = batch[batch.length - 1];
    this.options.onBatch?.({
      events: batch.length,
      position: newest.position,
      lagSeconds: Math.max(0, (Date.now() - Date.parse(newest.createdAt)) / 1000),
    });
  }

  private async checkpoints(db: SqlQueryable, lock = false): Promise<Record<string, Checkpoint | null>> {
    const { rows } = await db.query<{ name: string; position: string | null }>(
      `select name, position from ${CHECKPOINTS_TABLE} where name = any($1::text[]) ${lock ? 'for update' : ''}`,
      [this.projections.map((p) => p.name)],
    );
    const found = Object.fromEntries(rows.map((r) => [r.name, r.position]));
    return Object.fromEntries(this.projections.map((p) => [p.name, found[p.name] ?? null]));
  }
}

type Row = { key: string[]; doc: unknown };

async function applyToProjection(
  tx: SqlQueryable,
  p: Projection<never>,
  events: Array<{ recorded: RecordedEvent; event: TallyEvent }>,
): Promise<void> {
  const touched = events.map(({ recorded, event }) => ({ recorded, event, keys: p.keysOf(event) })).filter((t) => t.keys.length);
  if (touched.length === 0) return;
  const rows = await loadRows(tx, p, uniqueKeys(touched.flatMap((t) => t.keys)));
  const dirty = new Set<string>();
  for (const { recorded, event, keys } of touched) {
    const context: EventContext = { streamName: recorded.streamName, position: recorded.position, createdAt: recorded.createdAt };
    for (const key of keys) {
      const id = JSON.stringify(key);
      const doc = p.evolve((rows.get(id)?.doc ?? null) as never, event, key, context);
      rows.set(id, { key, doc });
      dirty.add(id);
    }
  }
  const changed = [...dirty].map((id) => rows.get(id) as Row);
  await writeRows(
    tx,
    p,
    changed.filter((r) => r.doc !== null),
  );
  await deleteRows(
    tx,
    p,
    changed.filter((r) => r.doc === null).map((r) => r.key),
  );
}

function uniqueKeys(keys: string[][]): string[][] {
  return [...new Map(keys.map((k) => [JSON.stringify(k), k])).values()];
}

// Key columns as parallel text arrays, for unnest(): one round trip however many rows.
function columns(p: Projection<never>, keys: string[][]): string[][] {
  return p.keys.map((_, i) => keys.map((k) => k[i]));
}

async function loadRows(tx: SqlQueryable, p: Projection<never>, keys: string[][]): Promise<Map<string, Row>> {
  const list = p.keys.join(', ');
  const unnest = p.keys.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const { rows } = await tx.query<Record<string, unknown>>(
    `select ${list}, doc from ${p.name} where (${list}) in (select * from unnest(${unnest}))`,
    columns(p, keys),
  );
  return new Map(
    rows.map((r) => {
      const key = p.keys.map((k) => String(r[k]));
      return [JSON.stringify(key), { key, doc: r.doc }];
    }),
  );
}

async function writeRows(tx: SqlQueryable, p: Projection<never>, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const list = p.keys.join(', ');
  const n = p.keys.length;
  const unnest = [...p.keys.map((_, i) => `$${i + 1}::text[]`), `$${n + 1}::text[]`].join(', ');
  await tx.query(
    `insert into ${p.name} (${list}, doc)
     select ${list}, d::jsonb from unnest(${unnest}) as u(${list}, d)
     on conflict (${list}) do update set doc = excluded.doc`,
    [
      ...columns(
        p,
        rows.map((r) => r.key),
      ),
      rows.map((r) => JSON.stringify(r.doc)),
    ],
  );
}

async function deleteRows(tx: SqlQueryable, p: Projection<never>, keys: string[][]): Promise<void> {
  if (keys.length === 0) return;
  const list = p.keys.join(', ');
  const unnest = p.keys.map((_, i) => `$${i + 1}::text[]`).join(', ');
  await tx.query(`delete from ${p.name} where (${list}) in (select * from unnest(${unnest}))`, columns(p, keys));
}
