import { Query } from '@nestjs/cqrs';
import type { AccountSummary } from '@tally/read-models';

/** A page of accounts by id, after a cursor. */
export class ListAccountsQuery extends Query<AccountSummary[]> {
  constructor(
    readonly after: string | null,
    readonly limit: number,
  ) {
    super();
  }
}
