import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { QuotaStatus } from '@tally/read-models';
import type { QuotaTerms } from '@tally/events';
import { ReadModels } from '@tally/read-models';
import { AccountDecisions } from '../accounts/account-decisions';
import { AccountAsOf } from '../accounts/as-of/account-as-of';
import { asOfInstant } from '../accounts/as-of/as-of.dto';
import { Clock } from '../runtime/clock';
import { ChangeQuotaCommand, GetQuotasQuery, SetQuotaCommand } from './quota.commands';

@CommandHandler(SetQuotaCommand)
export class SetQuotaHandler implements ICommandHandler<SetQuotaCommand> {
  constructor(
    private readonly decisions: AccountDecisions,
    private readonly clock: Clock,
  ) {}

  async execute({ account, meter, quota }: SetQuotaCommand): Promise<QuotaTerms> {
    const outcome = await this.decisions.execute({ type: 'SetQuota', account, meter, quota, now: this.clock.now() });
    if (!outcome.ok) throw outcome.error;
    return outcome.state.quotas.get(meter) as QuotaTerms;
  }
}

@CommandHandler(ChangeQuotaCommand)
export class ChangeQuotaHandler implements ICommandHandler<ChangeQuotaCommand> {
  constructor(
    private readonly decisions: AccountDecisions,
    private readonly clock: Clock,
  ) {}

  async execute({ account, meter, patch }: ChangeQuotaCommand): Promise<QuotaTerms> {
    const outcome = await this.decisions.execute({ type: 'ChangeQuota', account, meter, patch, now: this.clock.now() });
    if (!outcome.ok) throw outcome.error;
    return outcome.state.quotas.get(meter) as QuotaTerms;
  }
}

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
