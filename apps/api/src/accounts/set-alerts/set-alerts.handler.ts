import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AccountHandler } from '../account-handler';
import { Clock } from '../../runtime/clock';
import { SetAlertsCommand, type CreditAlert } from './set-alerts.command';

@CommandHandler(SetAlertsCommand)
export class SetAlertsHandler implements ICommandHandler<SetAlertsCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly clock: Clock,
  ) {}

  async execute({ account, creditsBelow }: SetAlertsCommand): Promise<CreditAlert> {
    const outcome = await this.decisions.execute({ type: 'SetCreditAlert', account, creditsBelow, now: this.clock.now() });
    if (!outcome.ok) throw outcome.error;
    return { account, creditsBelow: outcome.state.creditsBelow };
  }
}
