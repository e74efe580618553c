import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type Wallet } from '@tally/read-models';
import { AccountDecisions } from '../accounts/account-decisions';
import { AccountAsOf } from '../accounts/as-of/account-as-of';
import { asOfInstant } from '../accounts/as-of/as-of.dto';
import { Clock } from '../runtime/clock';
import { GetCreditsQuery, GrantCreditsCommand } from './credits.commands';

@CommandHandler(GrantCreditsCommand)
export class GrantCreditsHandler implements ICommandHandler<GrantCreditsCommand> {
  constructor(
    private readonly decisions: AccountDecisions,
    private readonly clock: Clock,
  ) {}

  async execute({ account, amount, reason, grantId }: GrantCreditsCommand): Promise<{ balance: number }> {
    const outcome = await this.decisions.execute({
      type: 'GrantCredits',
      account,
      amount,
      reason,
      grantId,
      now: this.clock.now(),
    });
    if (!outcome.ok) throw outcome.error;
    return { balance: outcome.state.credits.balance };
  }
}

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
