import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { WebhookEndpoints, WebhookOutbox, type DeliveryAttempt } from '@tally/runtime';
import { webhookNotFound } from '../webhook-not-found';
import { ListDeliveriesQuery } from './list-deliveries.query';

@QueryHandler(ListDeliveriesQuery)
export class ListDeliveriesHandler implements IQueryHandler<ListDeliveriesQuery> {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly outbox: WebhookOutbox,
  ) {}

  async execute({ id, limit }: ListDeliveriesQuery): Promise<DeliveryAttempt[]> {
    if (!(await this.endpoints.exists(id))) throw webhookNotFound();
    return this.outbox.attempts(id, limit);
  }
}
