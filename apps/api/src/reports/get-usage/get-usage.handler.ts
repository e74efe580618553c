import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type UsageLine } from '@tally/read-models';
import { GetUsageQuery } from './get-usage.query';

@QueryHandler(GetUsageQuery)
export class GetUsageHandler implements IQueryHandler<GetUsageQuery> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ account, from, to, bySubject }: GetUsageQuery): Promise<UsageLine[]> {
    return this.readModels.usage(account, from, to, bySubject);
  }
}
