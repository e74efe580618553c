import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { answerOf } from '@tally/domain';
import { decisionLines } from '@tally/messages';
import { AccountHandler } from '../../accounts/account-handler';
import { CatalogCache } from '../../catalog/catalog-cache';
import { Clock } from '../../runtime/clock';
import { decideUsageCommand } from '../record-usage/decide-usage-command';
import { CheckUsageQuery, type UsageCheck } from './check-usage.query';

@QueryHandler(CheckUsageQuery)
export class CheckUsageHandler implements IQueryHandler<CheckUsageQuery> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly catalog: CatalogCache,
    private readonly clock: Clock,
  ) {}

  async execute({ request }: CheckUsageQuery): Promise<UsageCheck> {
    const command = await decideUsageCommand(this.catalog, request, 'check', this.clock.now());
    const outcome = await this.decisions.dryRun(command);
    if (!outcome.ok) throw outcome.error;
    // A usage already decided would get its original decision back.
    const decided = answerOf(command, outcome.events, outcome.state).decision;
    const { usage, limit, remaining, retryAfterMs, meter, items } = decided.data;
    // A multi-item check names the item its figures are of (the one that failed, if any) and every line.
    const lines = items ? { meter, ...decisionLines(items) } : {};
    // A check only looks: the dry run takes no rate-limit tokens.
    return decided.type === 'UsageRejected'
      ? {
          allowed: false,
          reason: decided.data.reason,
          usage,
          limit,
          remaining,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          ...lines,
        }
      : { allowed: true, usage, limit, remaining, ...lines };
  }
}
