import { Query } from '@nestjs/cqrs';
import type { TreeView } from '@tally/domain';

/** Where an account stands in its tree. */
export class GetAccountTreeQuery extends Query<TreeView> {
  constructor(readonly account: string) {
    super();
  }
}
