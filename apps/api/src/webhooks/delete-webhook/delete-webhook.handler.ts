import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WebhookEndpoints } from '@tally/runtime';
import { Clock } from '../../runtime/clock';
import { webhookNotFound } from '../webhook-not-found';
import { DeleteWebhookCommand } from './delete-webhook.command';

@CommandHandler(DeleteWebhookCommand)
export class DeleteWebhookHandler implements ICommandHandler<DeleteWebhookCommand> {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly clock: Clock,
  ) {}

  async execute({ id }: DeleteWebhookCommand): Promise<void> {
    if (!(await this.endpoints.remove(id, this.clock.now()))) throw webhookNotFound();
  }
}
