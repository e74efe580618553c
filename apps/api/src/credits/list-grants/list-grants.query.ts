import { Query } from '@nestjs/cqrs';
import type { GrantView } from '@tally/domain';

/** The grants an account holds, now or as known at `asOf`; null for an unknown account. */
export class ListGrantsQuery extends Query<GrantView[] | null> {
  constructor(
    readonly account: string,
    readonly asOf: string | null,
  ) {
    super();
  }
}
