import { ACCOUNT_STREAM_PREFIX, type StoredEvent } from '@tally/events';
import type { EventStore, SessionLock, SqlClient, Subscription } from '@tally/eventstore';
import type { Logger } from '../logger';
import { decisionRecord } from './decision-records';
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
   * The advisory lock that makes this relay one per deployment. Every relay of a process has its
   * own key: relays sharing one would stand each other by (PostgreSQL) or both run (PGlite).
   */
  lockKey?: number;
  /** How it calls itself in logs. */
  label?: string;
  batchSize?: number;
  lockPollMs?: number;
  lagPollMs?: number;
  hooks?: RelayHooks;
}

const LAG_CAP = 1_000_000;

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
      batchSize: this.options.batchSize ?? 1000,
    });
    this.subscription = subscription;
    try {
      for await (const batch of subscription) {
        if (lost || this.stopped) break;
        this.pendingSince = batch[0].createdAt;
        const select = this.options.select ?? (decisionRecord as unknown as (stored: StoredEvent) => R | null);
        const records = batch.map((stored) => select(stored)).filter((r): r is R => r !== null);
        if (records.length > 0) await this.options.publish(records);
        // Another process may hold the lock by now: its checkpoint must not move back.
        if (lost) break;
        const last = batch[batch.length - 1];
        const next = { position: last.position, storedAt: last.createdAt };
        await this.checkpoint.write(next);
        this.at = next;
        this.pendingSince = null;
        this.options.hooks?.onRelayed?.({ events: batch.length, published: records.length });
      }
    } finally {
      await subscription.close();
      this.subscription = null;
    }
    if (lost && !this.stopped) throw new Error('the relay lock was lost with its database connection');
  }

  /** Store head versus checkpoint: events not yet relayed, and the age of the oldest of them. */
  private async measureLag(): Promise<void> {
    if (!this.active) return;
    try {
      const events = await this.store.countAfter(this.at.position, [ACCOUNT_STREAM_PREFIX], LAG_CAP);
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
