import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AccountHandler } from '../../accounts/account-handler';
import { Clock } from '../../runtime/clock';
import { GrantCreditsCommand } from './grant-credits.command';

@CommandHandler(GrantCreditsCommand)
export class GrantCreditsHandler implements ICommandHandler<GrantCreditsCommand> {
  constructor(
    private readonly decisions: AccountHandler,
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
