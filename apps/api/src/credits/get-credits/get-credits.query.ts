import { Query } from '@nestjs/cqrs';
import type { CreditTotals } from '@tally/events';

/** The account's wallet as projected. */
export class GetCreditsQuery extends Query<CreditTotals | null> {
  constructor(readonly account: string) {
    super();
  }
}
