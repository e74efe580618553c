import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AddressRule, WebhookEndpoints, type CreatedWebhookEndpoint } from '@tally/runtime';
import { validationProblem } from '../../http/problem';
import { Clock } from '../../runtime/clock';
import { CreateWebhookCommand } from './create-webhook.command';

@CommandHandler(CreateWebhookCommand)
export class CreateWebhookHandler implements ICommandHandler<CreateWebhookCommand> {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly clock: Clock,
    private readonly rule: AddressRule,
  ) {}

  /**
   * The endpoint receives the alerts raised from now on. Its host is held to the delivery rule
   * as written (an address literal, a metadata service's name); a name is resolved, and held to
   * the rule again, on every delivery: what it resolves to now may not be what it resolves to then.
   */
  execute({ url, description }: CreateWebhookCommand): Promise<CreatedWebhookEndpoint> {
    const refusal = this.rule.hostRefusal(new URL(url).hostname);
    if (refusal) throw validationProblem([{ field: 'url', reason: `url is refused: ${refusal}` }]);
    return this.endpoints.create(url, description, this.clock.now());
  }
}
