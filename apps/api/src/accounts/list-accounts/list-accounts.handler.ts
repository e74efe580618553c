import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type AccountSummary } from '@tally/read-models';
import { Clock } from '../../runtime/clock';
import { ListAccountsQuery } from './list-accounts.query';

@QueryHandler(ListAccountsQuery)
export class ListAccountsHandler implements IQueryHandler<ListAccountsQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly clock: Clock,
  ) {}

  execute({ after, limit }: ListAccountsQuery): Promise<AccountSummary[]> {
    return this.readModels.accounts(after, limit, this.clock.now());
  }
}
