import { Query } from '@nestjs/cqrs';
import type { WebhookEndpoint } from '@tally/runtime';

/** Active endpoints, oldest first, without their secrets. */
export class ListWebhooksQuery extends Query<WebhookEndpoint[]> {}
