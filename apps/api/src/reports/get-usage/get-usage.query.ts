import { Query } from '@nestjs/cqrs';
import type { UsageLine } from '@tally/read-models';

/** Monthly use of an account between two months, optionally per subject. */
export class GetUsageQuery extends Query<UsageLine[]> {
  constructor(
    readonly account: string,
    readonly from: string,
    readonly to: string,
    readonly bySubject: boolean,
  ) {
    super();
  }
}
