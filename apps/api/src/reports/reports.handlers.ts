import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { BillingLine } from '@tally/domain';
import { ReadModels, type DecisionView, type UsageLine } from '@tally/read-models';
import { Clock } from '../runtime/clock';
import { GetBillingQuery, GetDecisionsQuery, GetUsageQuery } from './reports.queries';

@QueryHandler(GetUsageQuery)
export class GetUsageHandler implements IQueryHandler<GetUsageQuery> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ account, from, to, bySubject }: GetUsageQuery): Promise<UsageLine[]> {
    return this.readModels.usage(account, from, to, bySubject);
  }
}

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

@QueryHandler(GetDecisionsQuery)
export class GetDecisionsHandler implements IQueryHandler<GetDecisionsQuery> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ account, limit, before }: GetDecisionsQuery): Promise<DecisionView[]> {
    return this.readModels.decisions(account, limit, before);
  }
}
