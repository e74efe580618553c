import { Query } from '@nestjs/cqrs';
import type { DecisionView } from '@tally/read-models';

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
