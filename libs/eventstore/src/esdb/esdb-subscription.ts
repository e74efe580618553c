import {
  START,
  eventTypeFilter,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import {
  eventBatch,
  type Checkpoint,
  type EventBatch,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store';
import { checkpointOf, compareCheckpoints, positionOf, toRecorded } from './esdb-mapping';

// A burst of live events is gathered this long into one batch (one projector transaction).
const LINGER_MS = 25;
// With an event-type filter the server reports how far it searched every this many windows of 32.
const CHECKPOINT_INTERVAL = 100;

/**
 * A catch-up subscription to $all, filtered server-side by stream prefix (or, given `types`, by
 * event type, the prefixes then checked here), turned into batches. The server delivers in $all
 * order; the read pauses while the consumer is a few batches behind. A type-filtered one also
 * reports the server's search checkpoints, as empty batches when nothing was delivered.
 */
export class EsdbSubscription implements Subscription {
  private subscription: AllStreamSubscription | null = null;
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: SubscribeOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<EventBatch> {
    const batchSize = this.options.batchSize ?? 500;
    // The server pushes what the filter lets through, so an interval costs no reads here: it only
    // gathers a burst into fewer batches.
    const linger = this.options.intervalMs ?? LINGER_MS;
    const from = this.options.from;
    const queue: RecordedEvent[] = [];
    let failure: unknown = null;
    let ended = false;
    const { prefixes, types } = this.options;
    // How far the server searched, once that is past the last event delivered (type filter only).
    let scanned: Checkpoint | null = null;
    let last: Checkpoint | null = from;
    const poke = () => this.wake?.();
    const filter = types
      ? eventTypeFilter({
          regex: `^(${types.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`,
          // A follower at an interval learns how far the server searched at every window of 32.
          checkpointInterval: this.options.intervalMs === undefined ? CHECKPOINT_INTERVAL : 1,
          checkpointReached: (_: unknown, position: { commit: bigint; prepare: bigint }) => {
            const at = checkpointOf(position);
            if (!last || compareCheckpoints(at, last) > 0) scanned = at;
            poke();
          },
        })
      : streamNameFilter({ prefixes });
    const subscription = this.client.subscribeToAll({ fromPosition: from ? positionOf(from) : START, filter });
    this.subscription = subscription;
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      const recorded = toRecorded(resolved);
      // The start position is exclusive; the check keeps that true whatever the server does.
      if (recorded && (!from || compareCheckpoints(recorded.position, from) > 0)) {
        last = recorded.position;
        scanned = null;
        if (!types || prefixes.some((p) => recorded.streamName.startsWith(p))) queue.push(recorded);
      }
      if (queue.length >= batchSize * 4) subscription.pause();
      poke();
    });
    subscription.on('error', (error) => {
      failure = error;
      poke();
    });
    subscription.on('end', () => {
      ended = true;
      poke();
    });
    try {
      while (!this.closed) {
        if (failure) throw failure;
        if (queue.length === 0 && scanned) {
          const progress = eventBatch([], scanned);
          scanned = null;
          yield progress;
          continue;
        }
        if (queue.length === 0) {
          if (ended) return;
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          continue;
        }
        if (queue.length < batchSize) await new Promise((resolve) => setTimeout(resolve, linger));
        const events = queue.splice(0, batchSize);
        if (subscription.isPaused() && queue.length < batchSize) subscription.resume();
        if (events.length === 0) continue;
        // The server searched past the last event delivered: the batch that empties the queue says so.
        const through: Checkpoint | null = queue.length === 0 ? scanned : null;
        if (through) scanned = null;
        yield eventBatch(events, through ?? undefined);
      }
    } finally {
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.subscription?.unsubscribe().catch(() => undefined);
  }
}
