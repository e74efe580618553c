import { Query } from '@nestjs/cqrs';
import type { BillingLine } from '@tally/domain';

/** Billing lines of a month, for every account or one. */
export class GetBillingQuery extends Query<BillingLine[]> {
  constructor(
    readonly month: string,
    readonly account?: string,
  ) {
    super();
  }
}
