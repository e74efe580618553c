import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { AddressRule } from './address-rule';
import { AddressRefused, checkPeer, guardedAgents } from './guarded-agents';
import type { AttemptResult, DueDelivery } from './webhook-outbox';

/** How deliveries are sent: the address rule, its agents, and the time one attempt may take. */
export interface WebhookTransport {
  rule: AddressRule;
  timeoutMs: number;
  agents: ReturnType<typeof guardedAgents>;
}

/** The transport of a deployment: one pair of agents for every delivery. */
export function webhookTransport(rule: AddressRule, timeoutMs: number): WebhookTransport {
  return { rule, timeoutMs, agents: guardedAgents(rule) };
}

/**
 * One attempt: POSTs the payload signed per Standard Webhooks (`webhook-id` is the alert's id,
 * the same on every retry; `webhook-timestamp` and `webhook-signature` are made now by the
 * reference implementation), within `timeoutMs`; a redirect is an answer like any other, never
 * followed. Never throws: a refusal or a timeout is the attempt's error. The error names the
 * failure only, never the URL or the secret. An address the rule refuses is never connected to,
 * and its attempt says why with neither a status nor a duration (`durationMs` 0), so the
 * delivery log cannot be used to time or probe what answers inside.
 */
export async function sendWebhook(
  delivery: DueDelivery,
  transport: WebhookTransport,
  now: Date = new Date(),
): Promise<AttemptResult> {
  const url = new URL(delivery.url);
  const refusal = transport.rule.hostRefusal(url.hostname);
  if (refusal) return refused(refusal);
  const started = performance.now();
  const signature = new Webhook(delivery.secret).sign(delivery.alertId, now, delivery.payload);
  const body = Buffer.from(delivery.payload);
  try {
    const statusCode = await post(url, transport, body, {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'user-agent': 'Tally-Webhooks/1',
      'webhook-id': delivery.alertId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    });
    return { statusCode, error: null, durationMs: elapsed(started) };
  } catch (error) {
    if (error instanceof AddressRefused) return refused(error.reason);
    return { statusCode: null, error: describe(error, transport.timeoutMs), durationMs: elapsed(started) };
  }
}

function post(url: URL, transport: WebhookTransport, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const agent = transport.agents[url.protocol as 'http:' | 'https:'];
    const request = send(url, { method: 'POST', headers, agent });
    const timer = setTimeout(() => request.destroy(new TimeoutError()), transport.timeoutMs);
    checkPeer(request, transport.rule);
    request.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.once('response', (response) => {
      clearTimeout(timer);
      // The answer's body is not read: its status is all a delivery needs.
      response.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.end(body);
  });
}

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

function refused(reason: string): AttemptResult {
  return { statusCode: null, error: `refused: ${reason}`, durationMs: 0 };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'request failed';
}
