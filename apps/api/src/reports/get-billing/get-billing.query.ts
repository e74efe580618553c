import { Query } from '@nestjs/cqrs';
import type { BillingLine } from '@tally/domain';
import type { BillingPosition } from '@tally/read-models';

/**
 * Billing lines of a month, for every account or one, as pages read one after the other (the
 * export streams them): after a position, and at most `limit` lines when given.
 */
export class GetBillingQuery extends Query<AsyncGenerator<BillingLine[]>> {
  constructor(
    readonly month: string,
    readonly account?: string,
    readonly after: BillingPosition | null = null,
    readonly limit?: number,
  ) {
    super();
  }
}
