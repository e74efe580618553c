import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type AccountSummary } from '@tally/read-models';
import { ListAccountsQuery } from './list-accounts.query';

@QueryHandler(ListAccountsQuery)
export class ListAccountsHandler implements IQueryHandler<ListAccountsQuery> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ after, limit }: ListAccountsQuery): Promise<AccountSummary[]> {
    return this.readModels.accounts(after, limit);
  }
}
