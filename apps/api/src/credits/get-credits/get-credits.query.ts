import { Query } from '@nestjs/cqrs';
import type { Wallet } from '@tally/read-models';

/** The account's wallet as projected, or as known at `asOf`. */
export class GetCreditsQuery extends Query<Wallet | null> {
  constructor(
    readonly account: string,
    readonly asOf: string | null = null,
  ) {
    super();
  }
}
