import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type Wallet } from '@tally/read-models';
import { AccountAsOf } from '../../accounts/as-of/account-as-of';
import { asOfInstant } from '../../accounts/as-of/as-of.dto';
import { Clock } from '../../runtime/clock';
import { GetCreditsQuery } from './get-credits.query';

@QueryHandler(GetCreditsQuery)
export class GetCreditsHandler implements IQueryHandler<GetCreditsQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly asOf: AccountAsOf,
    private readonly clock: Clock,
  ) {}

  execute({ account, asOf }: GetCreditsQuery): Promise<Wallet | null> {
    const now = this.clock.now();
    if (asOf !== null) return this.asOf.credits(account, asOfInstant(asOf, now));
    return this.readModels.credits(account, now);
  }
}
