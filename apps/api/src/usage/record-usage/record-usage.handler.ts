import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { answerOf, type DecideUsage } from '@tally/domain';
import { toDecisionMessage, type DecisionMessage } from '@tally/messages';
import { AccountHandler, type Outcome } from '../../accounts/account-handler';
import { CatalogCache } from '../../catalog/catalog-cache';
import { Metrics } from '../../operations/metrics';
import { Clock } from '../../runtime/clock';
import { RecordUsageCommand } from './record-usage.command';
import { cachedUsageCommand, decideUsageCommands } from './decide-usage-command';

/**
 * Resolves each request's account and meter, decides them (per account, batched), and answers
 * with every decision, the original one for a duplicate, once it is durable. Nothing is
 * published here: the relay feeds `metering.decisions.v1` from the store.
 */
@CommandHandler(RecordUsageCommand)
export class RecordUsageHandler implements ICommandHandler<RecordUsageCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly catalog: CatalogCache,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async execute({ messages, channel, reportedBy }: RecordUsageCommand): Promise<DecisionMessage[]> {
    const now = this.clock.now();
    // One usage whose subject and meter are cached (the common request): its command built at once.
    // A batch's subjects and meters are looked up together: the uncached ones in one read, not one each.
    const cached = messages.length === 1 ? cachedUsageCommand(this.catalog, messages[0], reportedBy, now) : undefined;
    const commands = cached ? [cached] : await decideUsageCommands(this.catalog, messages, reportedBy, now);
    const outcomes = await this.decisions.executeAll(commands);
    return outcomes.map((outcome, i) => this.decisionOf(outcome, commands[i], channel));
  }

  private decisionOf(outcome: Outcome, command: DecideUsage, channel: string): DecisionMessage {
    if (!outcome.ok) throw outcome.error;
    const { decision, repeat } = answerOf(command, outcome.events, outcome.state);
    const message = toDecisionMessage(decision);
    if (!repeat) this.metrics.decisions.inc({ decision: message.decision, reason: message.reason ?? '', channel });
    return message;
  }
}
