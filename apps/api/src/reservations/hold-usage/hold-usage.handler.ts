import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { answerOf, type HoldUsage } from '@tally/domain';
import type { UsageHeld } from '@tally/events';
import { toDecisionMessage } from '@tally/messages';
import { AccountHandler } from '../../accounts/account-handler';
import { CatalogCache } from '../../catalog/catalog-cache';
import { Metrics } from '../../operations/metrics';
import { Clock } from '../../runtime/clock';
import { decideUsageCommand } from '../../usage/record-usage/decide-usage-command';
import { HoldUsageCommand } from './hold-usage.command';
import type { HoldView } from './hold-usage.dto';

/** A hold as answered: the decision it is (accepted), when it frees itself and the credits it keeps. */
export function holdView(held: UsageHeld): HoldView {
  return { ...toDecisionMessage(held), expiresAt: held.data.expiresAt, creditsHeld: held.data.creditsHeld };
}

/** Decides a hold by the rules of a usage (docs/contract.md §3.5); a duplicate id gets the original decision. */
@CommandHandler(HoldUsageCommand)
export class HoldUsageHandler implements ICommandHandler<HoldUsageCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly catalog: CatalogCache,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async execute({ request, reportedBy }: HoldUsageCommand): Promise<HoldView> {
    const base = await decideUsageCommand(this.catalog, request.usage, reportedBy, this.clock.now());
    const command: HoldUsage = { ...base, type: 'HoldUsage', ttlSeconds: request.ttlSeconds };
    const outcome = await this.decisions.execute(command);
    if (!outcome.ok) throw outcome.error;
    const { decision, repeat } = answerOf(command, outcome.events, outcome.state);
    if (!repeat) {
      this.metrics.decisions.inc({
        decision: decision.type === 'UsageHeld' ? 'held' : 'rejected',
        reason: decision.type === 'UsageRejected' ? decision.data.reason : '',
        channel: 'http',
      });
    }
    return decision.type === 'UsageHeld' ? holdView(decision) : toDecisionMessage(decision);
  }
}
