import { Query } from '@nestjs/cqrs';
import type { QuotaStatus } from '@tally/read-models';

/** Quotas of an account with usage in the current period; one meter if named. */
export class GetQuotasQuery extends Query<QuotaStatus[]> {
  constructor(
    readonly account: string,
    readonly meter?: string,
  ) {
    super();
  }
}
