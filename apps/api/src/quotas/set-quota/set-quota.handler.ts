import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { levelView } from '@tally/domain';
import type { QuotaTerms } from '@tally/events';
import { AccountHandler } from '../../accounts/account-handler';
import { Clock } from '../../runtime/clock';
import { SetQuotaCommand } from './set-quota.command';

@CommandHandler(SetQuotaCommand)
export class SetQuotaHandler implements ICommandHandler<SetQuotaCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly clock: Clock,
  ) {}

  async execute({ account, meter, quota }: SetQuotaCommand): Promise<QuotaTerms> {
    const outcome = await this.decisions.execute({ type: 'SetQuota', account, meter, quota, now: this.clock.now() });
    if (!outcome.ok) throw outcome.error;
    // A member of a tree: its own terms, kept in the tree's aggregate.
    return levelView(outcome.state, account).quotas.get(meter) as QuotaTerms;
  }
}
