import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AccountHandler } from '../../accounts/account-handler';
import { Clock } from '../../runtime/clock';
import { RemoveAllowanceCommand, SetAllowanceCommand, type AllowanceView } from './set-allowance.command';

@CommandHandler(SetAllowanceCommand)
export class SetAllowanceHandler implements ICommandHandler<SetAllowanceCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly clock: Clock,
  ) {}

  async execute({ account, allowance }: SetAllowanceCommand): Promise<AllowanceView> {
    const outcome = await this.decisions.execute({ type: 'SetAllowance', account, ...allowance, now: this.clock.now() });
    if (!outcome.ok) throw outcome.error;
    return allowance;
  }
}

@CommandHandler(RemoveAllowanceCommand)
export class RemoveAllowanceHandler implements ICommandHandler<RemoveAllowanceCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly clock: Clock,
  ) {}

  async execute({ account }: RemoveAllowanceCommand): Promise<void> {
    const outcome = await this.decisions.execute({ type: 'RemoveAllowance', account, now: this.clock.now() });
    if (!outcome.ok) throw outcome.error;
  }
}
