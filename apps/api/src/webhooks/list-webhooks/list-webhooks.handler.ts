import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { WebhookEndpoints, type WebhookEndpoint } from '@tally/runtime';
import { ListWebhooksQuery } from './list-webhooks.query';

@QueryHandler(ListWebhooksQuery)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooksQuery> {
  constructor(private readonly endpoints: WebhookEndpoints) {}

  execute(): Promise<WebhookEndpoint[]> {
    return this.endpoints.list();
  }
}
