import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WebhookEndpoints, type CreatedWebhookEndpoint } from '@tally/runtime';
import { Clock } from '../../runtime/clock';
import { CreateWebhookCommand } from './create-webhook.command';

@CommandHandler(CreateWebhookCommand)
export class CreateWebhookHandler implements ICommandHandler<CreateWebhookCommand> {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly clock: Clock,
  ) {}

  /** The endpoint receives the alerts raised from now on. */
  execute({ url, description }: CreateWebhookCommand): Promise<CreatedWebhookEndpoint> {
    return this.endpoints.create(url, description, this.clock.now());
  }
}
