import { Command, Query } from '@nestjs/cqrs';
import type { CreditTotals } from '@tally/events';

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

/** The account's wallet as projected. */
export class GetCreditsQuery extends Query<CreditTotals | null> {
  constructor(readonly account: string) {
    super();
  }
}
