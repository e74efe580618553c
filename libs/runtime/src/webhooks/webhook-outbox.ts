import type { AlertData } from '@tally/events';
import type { SqlClient } from '@tally/eventstore';
import { ATTEMPTS_TABLE, DELIVERIES_TABLE, ENDPOINTS_TABLE, isoOf } from './webhook-schema';

/** How long a delivery is retried (docs/contract.md §5.2: 24 h). */
export const RETRY_FOR_MS = 24 * 60 * 60 * 1000;
/** The longest pause between two attempts. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;
/** What a claim allows beyond the attempt's timeout: writing its outcome, and clocks a little apart. */
export const LEASE_MARGIN_MS = 5000;

/** How long a claimed delivery is its deliverer's alone: one attempt's timeout, and the margin. */
export function deliveryLeaseMs(attemptTimeoutMs: number): number {
  return attemptTimeoutMs + LEASE_MARGIN_MS;
}

/** A delivery that is due, with what sending it needs. */
export interface DueDelivery {
  endpointId: string;
  alertId: string;
  url: string;
  secret: string;
  payload: string;
  attempts: number;
  giveUpAt: string;
}

/** What one attempt came to: an HTTP status, or an error (refused, timed out). */
export interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One attempt in the delivery log. */
export interface DeliveryAttempt extends AttemptResult {
  alertId: string;
  attempt: number;
  attemptedAt: string;
  nextRetryAt: string | null;
}

/** The body every endpoint receives: the Standard Webhooks shape `{type, timestamp, data}`. */
export function webhookPayload(alert: AlertData): string {
  return JSON.stringify({ type: alert.kind, timestamp: alert.raisedAt, data: alert });
}

/** The pause before attempt `n + 1` after `n` failed ones: base, doubling, at most an hour. */
export function retryDelay(failedAttempts: number, baseMs: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(30, failedAttempts - 1));
}

/** The deliveries table: alerts fanned out to endpoints, worked through by the deliverer. */
export class WebhookOutbox {
  constructor(private readonly db: SqlClient) {}

  /**
   * One delivery per alert and endpoint that was registered when the alert was raised; a
   * delivery that exists already is left alone, so the relay's redelivery enqueues nothing twice.
   */
  async enqueue(alerts: AlertData[], now: Date): Promise<void> {
    const giveUpAt = new Date(now.getTime() + RETRY_FOR_MS).toISOString();
    await this.db.transaction(async (tx) => {
      for (const alert of alerts) {
        await tx.query(
          `insert into ${DELIVERIES_TABLE} (endpoint_id, alert_id, payload, next_attempt_at, give_up_at)
             select id, $1, $2, $3, $4 from ${ENDPOINTS_TABLE} where deleted_at is null and created_at <= $5
           on conflict do nothing`,
          [alert.id, webhookPayload(alert), now.toISOString(), giveUpAt, alert.raisedAt],
        );
      }
    });
  }

  /**
   * Claims the pending deliveries due by `now` to active endpoints, oldest first, in one
   * statement: each is moved to `now + leaseMs`, so no other deliverer, nor this one's next poll,
   * takes it while its attempt may still run; {@link record} then sets when it is due again. Rows
   * another deliverer is claiming are skipped, never waited for. A deliverer that dies holding a
   * claim leaves the delivery due once its lease is over (at least once).
   */
  async claim(now: Date, limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const { rows } = await this.db.query<{
      endpoint_id: string;
      alert_id: string;
      url: string;
      secret: string;
      payload: string;
      attempts: number;
      give_up_at: Date | string;
      due_at: Date | string;
    }>(
      `with due as (
         select d.endpoint_id, d.alert_id, d.next_attempt_at
           from ${DELIVERIES_TABLE} d join ${ENDPOINTS_TABLE} e on e.id = d.endpoint_id and e.deleted_at is null
          where d.state = 'pending' and d.next_attempt_at <= $1
          order by d.next_attempt_at limit $2
          for update of d skip locked)
       update ${DELIVERIES_TABLE} d set next_attempt_at = $3
         from due join ${ENDPOINTS_TABLE} e on e.id = due.endpoint_id
        where d.endpoint_id = due.endpoint_id and d.alert_id = due.alert_id
       returning d.endpoint_id, d.alert_id, e.url, e.secret, d.payload, d.attempts, d.give_up_at, due.next_attempt_at as due_at`,
      [now.toISOString(), limit, new Date(now.getTime() + leaseMs).toISOString()],
    );
    return rows
      .sort((a, b) => new Date(a.due_at).getTime() - new Date(b.due_at).getTime())
      .map((r) => ({
        endpointId: r.endpoint_id,
        alertId: r.alert_id,
        url: r.url,
        secret: r.secret,
        payload: r.payload,
        attempts: r.attempts,
        giveUpAt: isoOf(r.give_up_at) as string,
      }));
  }

  /**
   * Logs an attempt and moves the delivery on: delivered, retried at `nextRetryAt`, or failed
   * (null). A delivery already delivered or failed stays so: an attempt recorded after its lease
   * was over, once another deliverer had taken the delivery, never sets it back to pending.
   */
  async record(delivery: DueDelivery, attemptedAt: Date, result: AttemptResult, nextRetryAt: Date | null): Promise<void> {
    const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const state = delivered ? 'delivered' : nextRetryAt ? 'pending' : 'failed';
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into ${ATTEMPTS_TABLE} (endpoint_id, alert_id, attempt, attempted_at, status_code, error, duration_ms, next_retry_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          delivery.endpointId,
          delivery.alertId,
          delivery.attempts + 1,
          attemptedAt.toISOString(),
          result.statusCode,
          result.error,
          result.durationMs,
          delivered ? null : (nextRetryAt?.toISOString() ?? null),
        ],
      );
      await tx.query(
        `update ${DELIVERIES_TABLE} set state = $3, attempts = attempts + 1, next_attempt_at = coalesce($4, next_attempt_at)
          where endpoint_id = $1 and alert_id = $2 and state = 'pending'`,
        [delivery.endpointId, delivery.alertId, state, delivered ? null : (nextRetryAt?.toISOString() ?? null)],
      );
    });
  }

  /** The endpoint's delivery log, newest attempt first. */
  async attempts(endpointId: string, limit: number): Promise<DeliveryAttempt[]> {
    const { rows } = await this.db.query<{
      alert_id: string;
      attempt: number;
      attempted_at: Date | string;
      status_code: number | null;
      error: string | null;
      duration_ms: number;
      next_retry_at: Date | string | null;
    }>(
      `select alert_id, attempt, attempted_at, status_code, error, duration_ms, next_retry_at
         from ${ATTEMPTS_TABLE} where endpoint_id = $1 order by id desc limit $2`,
      [endpointId, limit],
    );
    return rows.map((r) => ({
      alertId: r.alert_id,
      attempt: r.attempt,
      attemptedAt: isoOf(r.attempted_at) as string,
      statusCode: r.status_code,
      error: r.error,
      durationMs: r.duration_ms,
      nextRetryAt: isoOf(r.next_retry_at),
    }));
  }
}
