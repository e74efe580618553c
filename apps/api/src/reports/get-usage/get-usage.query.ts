import { Query } from '@nestjs/cqrs';
import type { DailyUsageLine, UsageLine } from '@tally/read-models';

/** Monthly (or daily) use of an account between two months (or days), optionally per subject. */
export class GetUsageQuery extends Query<UsageLine[] | DailyUsageLine[]> {
  constructor(
    readonly account: string,
    readonly from: string,
    readonly to: string,
    readonly bySubject: boolean,
    readonly granularity: 'month' | 'day' = 'month',
  ) {
    super();
  }
}
