import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { originalDecision } from '@tally/domain';
import type { UsageAccepted, UsageHeld, UsageRejected } from '@tally/events';
import { AccountDecisions } from '../../accounts/account-decisions';
import { CatalogCache } from '../../catalog/catalog-cache';
import { Clock } from '../../runtime/clock';
import { decideUsageCommand } from '../record-usage/decide-usage-command';
import { CheckUsageQuery, type UsageCheck } from './check-usage.query';

@QueryHandler(CheckUsageQuery)
export class CheckUsageHandler implements IQueryHandler<CheckUsageQuery> {
  constructor(
    private readonly decisions: AccountDecisions,
    private readonly catalog: CatalogCache,
    private readonly clock: Clock,
  ) {}

  async execute({ request }: CheckUsageQuery): Promise<UsageCheck> {
    const outcome = await this.decisions.dryRun(await decideUsageCommand(this.catalog, request, 'check', this.clock.now()));
    if (!outcome.ok) throw outcome.error;
    // A request already decided would get its original decision back.
    const decided = (outcome.events[0] ?? originalDecision(outcome.state, request.source, request.id)) as
      UsageAccepted | UsageRejected | UsageHeld;
    const { usage, limit, remaining } = decided.data;
    return decided.type === 'UsageRejected'
      ? { allowed: false, reason: decided.data.reason, usage, limit, remaining }
      : { allowed: true, usage, limit, remaining };
  }
}
