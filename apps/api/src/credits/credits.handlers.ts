import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { CreditTotals } from '@tally/events';
import { ReadModels } from '@tally/read-models';
import { AccountDecisions } from '../accounts/account-decisions';
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
  constructor(private readonly readModels: ReadModels) {}

  execute({ account }: GetCreditsQuery): Promise<CreditTotals | null> {
    return this.readModels.credits(account);
  }
}
