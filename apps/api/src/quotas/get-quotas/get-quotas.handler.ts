import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type QuotaStatus } from '@tally/read-models';
import { Clock } from '../../runtime/clock';
import { GetQuotasQuery } from './get-quotas.query';

@QueryHandler(GetQuotasQuery)
export class GetQuotasHandler implements IQueryHandler<GetQuotasQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly clock: Clock,
  ) {}

  execute({ account, meter }: GetQuotasQuery): Promise<QuotaStatus[]> {
    return this.readModels.quotas(account, this.clock.now(), meter);
  }
}
