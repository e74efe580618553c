import { ACCOUNT_STREAM_PREFIX, type StoredEvent } from '@tally/events';
import type { EventStore, SessionLock, SqlClient, Subscription } from '@tally/eventstore';
import type { Logger } from '../logger';
import { DECISION_STORED_TYPES, decisionRecord } from './decision-records';
import type { OutboxRecord } from './outbox-record';
import { RelayCheckpoint, type RelayPosition } from './relay-checkpoint';

/** Advisory-lock key of the relay: one process of a deployment holds it and relays. */
export const RELAY_LOCK = 7_342_010;

/** Where the relay reports, for metrics. */
export interface RelayHooks {
  onActive?(active: boolean): void;
  onRelayed?(report: { events: number; published: number }): void;
  onLag?(lag: { events: number; seconds: number }): void;
  onError?(error: unknown): void;
}

export interface RelayOptions<R = OutboxRecord> {
  /** Names the checkpoint; a new name relays from the start of the store. */
  name: string;
  /** Publishes in order and resolves once the broker acknowledged every message. */
  publish(records: R[]): Promise<void>;
  /** What a stored event becomes, or null to pass it by; decisions by default. */
  select?: (stored: StoredEvent) => R | null;
  /**
   * The stored types `select` can turn into a record: the store passes the others by (the
   * decision types by default, with the default `select`; every type if absent otherwise).
   */
  types?: readonly string[];
  /**
   * The advisory lock that makes this relay one per deployment. Every relay of a process has its
   * own key: relays sharing one would stand each other by (PostgreSQL) or both run (PGlite).
   */
  lockKey?: number;
  /** How it calls itself in logs. */
  label?: string;
  batchSize?: number;
  /** The checkpoint is written at most this often (ms) and after at most this many events. */
  checkpointEveryMs?: number;
  checkpointEveryEvents?: number;
  lockPollMs?: number;
  lagPollMs?: number;
  hooks?: RelayHooks;
}

const LAG_CAP = 1_000_000;
// Pages read ahead of the one being published: the store is read while the broker acknowledges.
const READ_AHEAD = 2;
const CHECKPOINT_EVERY_MS = 250;
const CHECKPOINT_EVERY_EVENTS = 20_000;

/**
 * The outbox relay: follows the account streams from its checkpoint and publishes every
 * decision, committing the checkpoint only after the broker's ack, so delivery is at least
 * once and in store order. Only the holder of the advisory lock relays; it steps down when
 * the lock's connection drops. Failures (broker or database down) are retried from the
 * checkpoint with a growing pause, without limit.
 */
export class OutboxRelay<R = OutboxRecord> {
  private readonly checkpoint: RelayCheckpoint;
  private subscription: Subscription | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private wake: (() => void) | null = null;
  private lagTimer: NodeJS.Timeout | null = null;
  private active = false;
  private at: RelayPosition = { position: null, storedAt: null };
  // Stored time of the oldest event read but not yet acknowledged, for the lag in seconds.
  private pendingSince: string | null = null;

  constructor(
    private readonly db: SqlClient,
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly options: RelayOptions<R>,
  ) {
    this.checkpoint = new RelayCheckpoint(db, options.name);
  }

  async init(): Promise<void> {
    await this.checkpoint.init();
  }

  start(): void {
    this.stopped = false;
    this.running = this.loop();
    this.lagTimer = setInterval(() => void this.measureLag(), this.options.lagPollMs ?? 5000);
    this.lagTimer.unref();
  }

  /** Stops after the batch in hand, waiting at most `graceMs` for a publish the broker is not answering. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.wake?.();
    await this.subscription?.close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  private async loop(): Promise<void> {
    for (let failures = 0; !this.stopped;) {
      let lock: SessionLock | null = null;
      try {
        lock = await this.db.trySessionLock(this.options.lockKey ?? RELAY_LOCK);
        if (!lock) {
          await this.pause(this.options.lockPollMs ?? 2000);
          continue;
        }
        this.setActive(true);
        await this.follow(lock);
        failures = 0;
      } catch (error) {
        this.options.hooks?.onError?.(error);
        this.logger.warn({ err: error, relay: this.options.name }, `${this.label} failed; resuming from its checkpoint`);
        await this.pause(Math.min(5000, 200 * 2 ** failures++));
      } finally {
        this.setActive(false);
        this.pendingSince = null;
        await lock?.release();
      }
    }
  }

  /**
   * Relays as a pipeline: the next pages are read (and turned into records) while the broker
   * acknowledges the page before them; pages are published strictly one after the other, so
   * store order holds and a failed publish stops everything after it. The checkpoint moves only
   * to a page the broker acknowledged, on a timer or after enough events, and once more on the
   * way out unless the lock was lost; a crash in between republishes since the last one (at
   * least once, as before).
   */
  private async follow(lock: SessionLock): Promise<void> {
    let lost = false;
    void lock.lost.then(() => {
      lost = true;
      void this.subscription?.close();
    });
    this.at = await this.checkpoint.read();
    const subscription = this.store.subscribe({
      from: this.at.position,
      prefixes: [ACCOUNT_STREAM_PREFIX],
      types: this.types,
      batchSize: this.options.batchSize ?? 5000,
    });
    this.subscription = subscription;
    const select = this.options.select ?? (decisionRecord as unknown as (stored: StoredEvent) => R | null);
    const everyEvents = this.options.checkpointEveryEvents ?? CHECKPOINT_EVERY_EVENTS;
    let acked: RelayPosition | null = null;
    let unwritten = 0;
    let writing: Promise<void> = Promise.resolve();
    let writeFailed: unknown = null;
    // Writes are chained, so a later position never lands before an earlier one.
    const flush = () => {
      const next = acked;
      if (!next || next === this.at || lost) return writing;
      unwritten = 0;
      writing = writing
        .then(async () => {
          if (lost || writeFailed) return;
          await this.checkpoint.write(next);
          this.at = next;
          if (acked === next) this.pendingSince = null;
        })
        .catch((error: unknown) => {
          writeFailed ??= error;
          void this.subscription?.close();
        });
      return writing;
    };
    const timer = setInterval(() => void flush(), this.options.checkpointEveryMs ?? CHECKPOINT_EVERY_MS);
    timer.unref();
    try {
      const pages = readAhead(subscription, READ_AHEAD, (batch) => ({
        batch,
        records: batch.map((stored) => select(stored)).filter((r): r is R => r !== null),
      }));
      for await (const { batch, records } of pages) {
        if (lost || this.stopped || writeFailed) {
          void subscription.close();
          break;
        }
        // An empty batch: the store read past events this relay does not publish.
        if (batch.length > 0) this.pendingSince ??= batch[0].createdAt;
        // Closed before the loop ends on the failure: the loop's exit waits for the pages read
        // ahead, and a page of a quiet store (a filtered one above all) never comes otherwise.
        if (records.length > 0)
          await this.options.publish(records).catch((error: unknown) => {
            void subscription.close();
            throw error;
          });
        // Another process may hold the lock by now: its checkpoint must not move back.
        if (lost) {
          void subscription.close();
          break;
        }
        const last = batch.at(-1);
        acked = { position: batch.through, storedAt: last?.createdAt ?? (acked ?? this.at).storedAt };
        unwritten += batch.length;
        if (unwritten >= everyEvents) void flush();
        this.options.hooks?.onRelayed?.({ events: batch.length, published: records.length });
      }
    } catch (error) {
      // Pages read ahead are waiting on the subscription: closing it lets them end at once.
      void subscription.close();
      throw error;
    } finally {
      clearInterval(timer);
      await subscription.close();
      this.subscription = null;
      await flush();
    }
    if (writeFailed) throw writeFailed;
    if (lost && !this.stopped) throw new Error('the relay lock was lost with its database connection');
  }

  /** Store head versus checkpoint: events not yet relayed, and the age of the oldest of them. */
  private async measureLag(): Promise<void> {
    if (!this.active) return;
    try {
      const events = await this.store.countAfter(this.at.position, [ACCOUNT_STREAM_PREFIX], LAG_CAP, this.types);
      // The oldest unrelayed event is the batch in hand, or one stored after the checkpoint's.
      const since = events === 0 ? null : (this.pendingSince ?? this.at.storedAt);
      const seconds = since ? Math.max(0, (Date.now() - Date.parse(since)) / 1000) : 0;
      this.options.hooks?.onLag?.({ events, seconds });
    } catch {
      // The store is unreachable: the relay itself reports that failure.
    }
  }

  private setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    this.options.hooks?.onActive?.(active);
    this.logger.info({ relay: this.options.name }, active ? `${this.label} active` : `${this.label} standing by`);
  }

  private get types(): readonly string[] | undefined {
    return this.options.types ?? (this.options.select ? undefined : DECISION_STORED_TYPES);
  }

  private get label(): string {
    return this.options.label ?? 'decision relay';
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/**
 * Iterates `source` with up to `depth` items requested ahead of the one the caller holds, each
 * mapped by `prepare` as soon as it arrives (so the mapping overlaps the caller's work too).
 */
export async function* readAhead<T, U>(source: AsyncIterable<T>, depth: number, prepare: (item: T) => U): AsyncGenerator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const ahead: Promise<IteratorResult<U>>[] = [];
  const request = () => {
    const next = iterator.next().then((r) => (r.done ? r : { done: false as const, value: prepare(r.value) }));
    // Read ahead and then abandoned (the caller stopped): its failure is nobody's to handle.
    next.catch(() => undefined);
    ahead.push(next);
  };
  try {
    for (;;) {
      while (ahead.length < depth + 1) request();
      const result = await (ahead.shift() as Promise<IteratorResult<U>>);
      if (result.done) return;
      yield result.value;
    }
  } finally {
    await iterator.return?.();
  }
}

/** Creates a relay, makes sure its checkpoint exists, and starts it. */
export async function startRelay<R>(
  db: SqlClient,
  store: EventStore,
  logger: Logger,
  options: RelayOptions<R>,
): Promise<OutboxRelay<R>> {
  const relay = new OutboxRelay<R>(db, store, logger, options);
  await relay.init();
  relay.start();
  return relay;
}
