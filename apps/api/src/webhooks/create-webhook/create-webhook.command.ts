import { Command } from '@nestjs/cqrs';
import type { CreatedWebhookEndpoint } from '@tally/runtime';

/** Register an endpoint for alerts; its secret is in the answer, once. */
export class CreateWebhookCommand extends Command<CreatedWebhookEndpoint> {
  constructor(
    readonly url: string,
    readonly description: string | null,
  ) {
    super();
  }
}
