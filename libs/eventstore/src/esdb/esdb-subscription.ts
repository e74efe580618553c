import {
  START,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import type { RecordedEvent, SubscribeOptions, Subscription } from '../event-store';
import { compareCheckpoints, positionOf, toRecorded } from './esdb-mapping';

// A burst of live events is gathered this long into one batch (one projector transaction).
const LINGER_MS = 25;

/**
 * A catch-up subscription to $all, filtered server-side by stream prefix, turned into batches.
 * The server delivers in $all order; the read pauses while the consumer is a few batches behind.
 */
export class EsdbSubscription implements Subscription {
  private subscription: AllStreamSubscription | null = null;
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: SubscribeOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent[]> {
    const batchSize = this.options.batchSize ?? 500;
    const from = this.options.from;
    const queue: RecordedEvent[] = [];
    let failure: unknown = null;
    let ended = false;
    const subscription = this.client.subscribeToAll({
      fromPosition: from ? positionOf(from) : START,
      filter: streamNameFilter({ prefixes: this.options.prefixes }),
    });
    this.subscription = subscription;
    const poke = () => this.wake?.();
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      const recorded = toRecorded(resolved);
      // The start position is exclusive; the check keeps that true whatever the server does.
      if (recorded && (!from || compareCheckpoints(recorded.position, from) > 0)) queue.push(recorded);
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
        if (queue.length === 0) {
          if (ended) return;
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          continue;
        }
        if (queue.length < batchSize) await new Promise((resolve) => setTimeout(resolve, LINGER_MS));
        const batch = queue.splice(0, batchSize);
        if (subscription.isPaused() && queue.length < batchSize) subscription.resume();
        yield batch;
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
