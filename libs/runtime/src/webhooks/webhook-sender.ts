import { Webhook } from 'standardwebhooks';
import type { AttemptResult, DueDelivery } from './webhook-outbox';

/**
 * One attempt: POSTs the payload signed per Standard Webhooks (`webhook-id` is the alert's id,
 * the same on every retry; `webhook-timestamp` and `webhook-signature` are made now by the
 * reference implementation), within `timeoutMs`. Never throws: a refusal or a timeout is the
 * attempt's error. The error names the failure only, never the URL or the secret.
 */
export async function sendWebhook(delivery: DueDelivery, timeoutMs: number, now: Date = new Date()): Promise<AttemptResult> {
  const started = performance.now();
  const signature = new Webhook(delivery.secret).sign(delivery.alertId, now, delivery.payload);
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Tally-Webhooks/1',
        'webhook-id': delivery.alertId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: delivery.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    return { statusCode: response.status, error: null, durationMs: elapsed(started) };
  } catch (error) {
    return { statusCode: null, error: describe(error, timeoutMs), durationMs: elapsed(started) };
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const code = e?.cause?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'request failed';
}
