import { Command } from '@nestjs/cqrs';

/** Remove an endpoint: nothing more is delivered to it. */
export class DeleteWebhookCommand extends Command<void> {
  constructor(readonly id: string) {
    super();
  }
}
