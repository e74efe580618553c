import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type QuotaStatus } from '@tally/read-models';
import { AccountAsOf } from '../../accounts/as-of/account-as-of';
import { asOfInstant } from '../../accounts/as-of/as-of.dto';
import { Clock } from '../../runtime/clock';
import { GetQuotasQuery } from './get-quotas.query';

@QueryHandler(GetQuotasQuery)
export class GetQuotasHandler implements IQueryHandler<GetQuotasQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly asOf: AccountAsOf,
    private readonly clock: Clock,
  ) {}

  execute({ account, meter, asOf }: GetQuotasQuery): Promise<QuotaStatus[]> {
    const now = this.clock.now();
    if (asOf !== null) return this.asOf.quotas(account, asOfInstant(asOf, now), meter);
    return this.readModels.quotas(account, now, meter);
  }
}
