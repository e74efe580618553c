import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, holdFor } from '@tally/domain';
import { ReadModels } from '@tally/read-models';
import { AccountHandler } from '../../accounts/account-handler';
import { AccountsOfId } from '../../accounts/accounts-of-id';
import { Clock } from '../../runtime/clock';
import { ReleaseHoldCommand } from './release-hold.command';
import type { ReleasedView } from './release-hold.dto';

/** Finds the hold's account like a commit does, and releases it there; a second release answers the first. */
@CommandHandler(ReleaseHoldCommand)
export class ReleaseHoldHandler implements ICommandHandler<ReleaseHoldCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly readModels: ReadModels,
    private readonly accountsOfId: AccountsOfId,
    private readonly clock: Clock,
  ) {}

  async execute({ source, id }: ReleaseHoldCommand): Promise<ReleasedView> {
    const [place] = await this.accountsOfId.find(() => this.readModels.accountsOfHold(source, id));
    if (!place) throw new DomainError('RESERVATION_NOT_FOUND', `no reservation ${source}/${id} is known`);
    const outcome = await this.decisions.execute({
      type: 'ReleaseHold',
      account: place.account,
      source,
      id,
      now: this.clock.now(),
    });
    if (!outcome.ok) throw outcome.error;
    const record = holdFor(outcome.state, source, id);
    if (!record?.ended) throw new Error(`no release for ${source}/${id}`);
    const { at, committed: _committed, ...released } = record.ended;
    const items = record.hold.items?.map(({ meter, quantity }) => ({ meter, quantity }));
    return { ...released, releasedAt: at, ...(items ? { items } : {}) };
  }
}
