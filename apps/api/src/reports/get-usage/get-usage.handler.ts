import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type DailyUsageLine, type UsageLine } from '@tally/read-models';
import { GetUsageQuery } from './get-usage.query';

@QueryHandler(GetUsageQuery)
export class GetUsageHandler implements IQueryHandler<GetUsageQuery> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ account, from, to, bySubject, granularity }: GetUsageQuery): Promise<UsageLine[] | DailyUsageLine[]> {
    return granularity === 'day'
      ? this.readModels.dailyUsage(account, from, to, bySubject)
      : this.readModels.usage(account, from, to, bySubject);
  }
}
