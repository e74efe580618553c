import type { Logger } from '../logger';
import { sendWebhook, type WebhookTransport } from './webhook-sender';
import { deliveryKey, retryDelay, type DueDelivery, type WebhookOutbox } from './webhook-outbox';

export interface DelivererOptions {
  retryBaseMs: number;
  /** Where deliveries may connect, and how long one attempt may take. */
  transport: WebhookTransport;
  /** Deliveries in flight at once: a slow endpoint holds one slot, never the others. */
  concurrency?: number;
}

/**
 * Works through the outbox while this process is the deployment's active deliverer: every due
 * delivery is attempted (up to `concurrency` at once, each bounded by the transport's timeout), logged, and
 * either done or scheduled again with exponential backoff until its 24 hours are over.
 * It runs beside the decisions, never in their way: deciding only appends an alert event.
 */
export class WebhookDeliverer {
  private readonly inHand = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  private polling = false;
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

  /** Looks for due deliveries now (new alerts were enqueued). */
  wake(): void {
    if (this.active) void this.poll();
  }

  /** Stops taking deliveries and waits (at most `graceMs`) for those in flight. */
  async stop(graceMs = 3000): Promise<void> {
    this.setActive(false);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.flights), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  private async poll(): Promise<void> {
    const free = (this.options.concurrency ?? 16) - this.inHand.size;
    if (!this.active || this.polling || free <= 0) return;
    this.polling = true;
    try {
      for (const delivery of await this.outbox.due(new Date(), free, this.inHand)) {
        const key = deliveryKey(delivery);
        this.inHand.add(key);
        const flight = this.attempt(delivery).finally(() => {
          this.inHand.delete(key);
          this.flights.delete(flight);
        });
        this.flights.add(flight);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read due webhook deliveries; retrying');
    } finally {
      this.polling = false;
    }
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const attemptedAt = new Date();
    const result = await sendWebhook(delivery, this.options.transport, attemptedAt);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const next = new Date(Date.now() + retryDelay(delivery.attempts + 1, this.options.retryBaseMs));
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
      // Not recorded: the delivery stays due and is attempted again (at least once).
      this.logger.warn({ err: error, endpoint: delivery.endpointId }, 'could not record a webhook attempt');
    }
  }
}
