import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { TreeView } from '@tally/domain';
import { Clock } from '../../runtime/clock';
import { AccountHandler } from '../account-handler';
import { SetParentCommand } from './set-parent.command';

@CommandHandler(SetParentCommand)
export class SetParentHandler implements ICommandHandler<SetParentCommand> {
  constructor(
    private readonly accounts: AccountHandler,
    private readonly clock: Clock,
  ) {}

  execute({ account, parent }: SetParentCommand): Promise<TreeView> {
    return this.accounts.setParent(account, parent, this.clock.now());
  }
}
