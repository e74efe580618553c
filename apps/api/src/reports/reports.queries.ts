import { Query } from '@nestjs/cqrs';
import type { BillingLine } from '@tally/domain';
import type { DecisionView, UsageLine } from '@tally/read-models';

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

/** Billing lines of a month, for every account or one. */
export class GetBillingQuery extends Query<BillingLine[]> {
  constructor(
    readonly month: string,
    readonly account?: string,
  ) {
    super();
  }
}

/** An account's decision log, newest first. */
export class GetDecisionsQuery extends Query<DecisionView[]> {
  constructor(
    readonly account: string,
    readonly limit: number,
    readonly before: string | null = null,
  ) {
    super();
  }
}
