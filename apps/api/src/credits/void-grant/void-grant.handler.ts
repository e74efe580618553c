import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { grantViewOf, type GrantView } from '@tally/domain';
import { AccountHandler } from '../../accounts/account-handler';
import { Clock } from '../../runtime/clock';
import { VoidGrantCommand } from './void-grant.command';

@CommandHandler(VoidGrantCommand)
export class VoidGrantHandler implements ICommandHandler<VoidGrantCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly clock: Clock,
  ) {}

  async execute({ account, grantId, reason }: VoidGrantCommand): Promise<GrantView> {
    const now = this.clock.now();
    const outcome = await this.decisions.execute({ type: 'VoidGrant', account, grantId, reason, now });
    if (!outcome.ok) throw outcome.error;
    const grant = grantViewOf(outcome.state, grantId, now);
    if (!grant) throw new Error(`grant ${grantId} is missing after it was voided`);
    return grant;
  }
}
