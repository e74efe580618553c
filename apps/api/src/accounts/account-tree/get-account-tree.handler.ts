import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { TreeView } from '@tally/domain';
import { Clock } from '../../runtime/clock';
import { AccountHandler } from '../account-handler';
import { GetAccountTreeQuery } from './get-account-tree.query';

/**
 * Read from the tree's aggregate, caught up with the store, not from a projection: the tree is
 * what the next decision is held to, and a tree is small (at most four levels).
 */
@QueryHandler(GetAccountTreeQuery)
export class GetAccountTreeHandler implements IQueryHandler<GetAccountTreeQuery> {
  constructor(
    private readonly accounts: AccountHandler,
    private readonly clock: Clock,
  ) {}

  execute({ account }: GetAccountTreeQuery): Promise<TreeView> {
    return this.accounts.treeOf(account, this.clock.now());
  }
}
