import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { BillingLine } from '@tally/domain';
import { ReadModels } from '@tally/read-models';
import { Clock } from '../../runtime/clock';
import { GetBillingQuery } from './get-billing.query';

@QueryHandler(GetBillingQuery)
export class GetBillingHandler implements IQueryHandler<GetBillingQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly clock: Clock,
  ) {}

  execute({ month, account }: GetBillingQuery): Promise<BillingLine[]> {
    return this.readModels.billing(month, this.clock.now(), account);
  }
}
