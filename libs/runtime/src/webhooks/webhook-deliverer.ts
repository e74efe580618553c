import type { Logger } from '../logger';
import { sendWebhook, type WebhookTransport } from './webhook-sender';
import { deliveryLeaseMs, retryDelay, type DueDelivery, type WebhookOutbox } from './webhook-outbox';

export interface DelivererOptions {
  retryBaseMs: number;
  /** Where deliveries may connect, and how long one attempt may take. */
  transport: WebhookTransport;
  /** Deliveries in flight at once: a slow endpoint holds one slot, never the others. */
  concurrency?: number;
  /** The time attempts are made and scheduled at (tests set it). */
  now?: () => Date;
}

/**
 * Works through the outbox while this process is the deployment's active deliverer: every due
 * delivery is attempted (up to `concurrency` at once, each bounded by the transport's timeout), logged, and
 * either done or scheduled again with exponential backoff until its 24 hours are over.
 * It runs beside the decisions, never in their way: deciding only appends an alert event.
 */
export class WebhookDeliverer {
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  private polling: Promise<void> | null = null;
  private readonly flights = new Set<Promise<void>>();

  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly logger: Logger,
    private readonly options: DelivererOptions,
  ) {}

  /** Becomes the deliverer (the webhook lock is held) or stands by. */
  setActive(active: boolean): void {
    this.active = active;
    if (active && !this.timer) {
      this.timer = setInterval(() => void this.poll(), Math.min(500, this.options.retryBaseMs));
      this.timer.unref();
      void this.poll();
    }
    if (!active && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Looks for due deliveries now (new alerts were enqueued); resolves once they are taken. */
  wake(): Promise<void> {
    return this.active ? this.poll() : Promise.resolve();
  }

  /** Stops taking deliveries and waits (at most `graceMs`) for those in flight. */
  async stop(graceMs = 3000): Promise<void> {
    this.setActive(false);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.flights), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  /** Takes the due deliveries there are slots for; a poll asked for while one runs is that one. */
  private poll(): Promise<void> {
    this.polling ??= this.take().finally(() => (this.polling = null));
    return this.polling;
  }

  private async take(): Promise<void> {
    const free = (this.options.concurrency ?? 16) - this.flights.size;
    if (!this.active || free <= 0) return;
    try {
      // Claimed for the attempt's timeout and a margin: in flight, a delivery is due to no one.
      const lease = deliveryLeaseMs(this.options.transport.timeoutMs);
      for (const delivery of await this.outbox.claim(this.now(), free, lease)) {
        const flight = this.attempt(delivery).finally(() => this.flights.delete(flight));
        this.flights.add(flight);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not claim due webhook deliveries; retrying');
    }
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const attemptedAt = this.now();
    const result = await sendWebhook(delivery, this.options.transport, attemptedAt);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const next = new Date(this.now().getTime() + retryDelay(delivery.attempts + 1, this.options.retryBaseMs));
    const retryAt = ok || next.toISOString() > delivery.giveUpAt ? null : next;
    const log = { endpoint: delivery.endpointId, alert: delivery.alertId, attempt: delivery.attempts + 1, ...result };
    if (ok) this.logger.debug(log, 'webhook delivered');
    else
      this.logger.warn(
        { ...log, nextRetryAt: retryAt?.toISOString() ?? null },
        retryAt ? 'webhook attempt failed; will retry' : 'webhook delivery failed for good',
      );
    try {
      await this.outbox.record(delivery, attemptedAt, result, retryAt);
    } catch (error) {
      // Not recorded: the delivery is due again once its lease is over (at least once).
      this.logger.warn({ err: error, endpoint: delivery.endpointId }, 'could not record a webhook attempt');
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
