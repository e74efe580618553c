import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decisionFor, DomainError } from '@tally/domain';
import { toDecisionMessage, type DecisionMessage } from '@tally/messages';
import { ReadModels } from '@tally/read-models';
import { AccountHandler } from '../../accounts/account-handler';
import { AccountsOfId } from '../../accounts/accounts-of-id';
import { CatalogCache } from '../../catalog/catalog-cache';
import { Metrics } from '../../operations/metrics';
import { Clock } from '../../runtime/clock';
import { meterDefinitions } from '../../usage/record-usage/decide-usage-command';
import { CommitHoldCommand } from './commit-hold.command';

/**
 * The body names only source + id: the hold's account comes from the reservations read model
 * (the latest hold of that id). The answer is the decision of the committed usage, the same
 * one for a repeated commit.
 */
@CommandHandler(CommitHoldCommand)
export class CommitHoldHandler implements ICommandHandler<CommitHoldCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly readModels: ReadModels,
    private readonly accountsOfId: AccountsOfId,
    private readonly catalog: CatalogCache,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async execute({ source, id, quantity, reportedBy, items }: CommitHoldCommand): Promise<DecisionMessage> {
    const [place] = await this.accountsOfId.find(() => this.readModels.accountsOfHold(source, id));
    if (!place) throw new DomainError('RESERVATION_NOT_FOUND', `no reservation ${source}/${id} is known`);
    const [meter, meters] = await Promise.all([this.catalog.meter(place.meter), meterDefinitions(this.catalog, place.meters)]);
    const now = this.clock.now();
    const outcome = await this.decisions.execute({
      type: 'CommitHold',
      account: place.account,
      source,
      id,
      quantity,
      items,
      meter,
      meters,
      reportedBy,
      now,
    });
    if (!outcome.ok) throw outcome.error;
    const committed = decisionFor(outcome.state, source, id);
    if (!committed) throw new Error(`no committed usage for ${source}/${id}`);
    if (outcome.events.length > 0) this.metrics.decisions.inc({ decision: 'accepted', reason: '', channel: 'http' });
    return toDecisionMessage(committed.event);
  }
}
