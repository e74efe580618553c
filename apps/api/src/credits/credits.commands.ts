import { Command, Query } from '@nestjs/cqrs';
import type { Wallet } from '@tally/read-models';

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

/** The account's wallet as projected, or as known at `asOf`. */
export class GetCreditsQuery extends Query<Wallet | null> {
  constructor(
    readonly account: string,
    readonly asOf: string | null = null,
  ) {
    super();
  }
}
