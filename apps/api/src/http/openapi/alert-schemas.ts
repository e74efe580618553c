import type { SchemaObject } from '@nestjs/swagger';
import { int, nullable, object, str } from './schema-builders';

const endpoint = {
  id: str('wh_5f1c…'),
  url: str('https://hooks.example.com/tally'),
  description: nullable(str('billing team')),
  createdAt: str('2026-11-22T10:00:00.000Z'),
};

/** Schemas of the alert and webhook routes' answers, by component name. */
export const ALERT_SCHEMAS: Record<string, SchemaObject> = {
  CreditAlert: object({
    account: str('acme'),
    creditsBelow: nullable(int('a debit that takes the balance below this raises credits.low; null = none', 20)),
  }),
  WebhookEndpoint: object(endpoint),
  CreatedWebhookEndpoint: object({
    ...endpoint,
    secret: str('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'Standard Webhooks signing secret, shown this once'),
  }),
  WebhookAttempt: object({
    alertId: str('alrt_0f3a…', 'the webhook-id header: the alert, the same on every retry'),
    attempt: int('1 for the first attempt', 1),
    attemptedAt: str('2026-11-22T10:00:01.000Z'),
    statusCode: nullable(int('the receiver’s HTTP status; null when no answer came', 500)),
    error: nullable(str('ECONNREFUSED', 'why no answer came (refused, timed out)')),
    durationMs: int(undefined, 12),
    nextRetryAt: nullable(str('2026-11-22T10:00:06.000Z', 'null once delivered, or after 24 hours of retries')),
  }),
};
