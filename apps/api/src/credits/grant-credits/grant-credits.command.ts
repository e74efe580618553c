import { Command } from '@nestjs/cqrs';

/** Grant credits to an account; with an id, granted once. */
export class GrantCreditsCommand extends Command<{ balance: number }> {
  constructor(
    readonly account: string,
    readonly amount: number,
    readonly reason: string | null,
    readonly grantId: string | null,
  ) {
    super();
  }
}
