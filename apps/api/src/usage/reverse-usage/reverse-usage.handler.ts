import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, usageKey } from '@tally/domain';
import { PROJECTED_STREAM_PREFIXES, ProjectionRunner, ReadModels } from '@tally/read-models';
import { AccountDecisions } from '../../accounts/account-decisions';
import { Clock } from '../../runtime/clock';
import type { Runtime } from '../../runtime/runtime';
import { RUNTIME } from '../../runtime/runtime.module';
import { ReverseUsageCommand, type ReversalView } from './reverse-usage.command';

/**
 * A reversal names only source + id, so the account comes from the decision log. The log may
 * lag, so before answering 404 the handler waits for the projector to reach the store's head.
 */
@CommandHandler(ReverseUsageCommand)
export class ReverseUsageHandler implements ICommandHandler<ReverseUsageCommand> {
  constructor(
    private readonly decisions: AccountDecisions,
    private readonly readModels: ReadModels,
    private readonly runner: ProjectionRunner,
    private readonly clock: Clock,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async execute({ source, id, reason }: ReverseUsageCommand): Promise<ReversalView> {
    const account = await this.findAccount(source, id);
    const outcome = await this.decisions.execute({ type: 'ReverseUsage', account, source, id, reason, now: this.clock.now() });
    if (!outcome.ok) throw outcome.error;
    const reversal = outcome.state.decisions.get(usageKey(source, id))?.reversal;
    if (!reversal) throw new Error(`reversal of ${source}/${id} left no record`);
    const { at, ...rest } = reversal;
    return { ...rest, reversedAt: at };
  }

  private async findAccount(source: string, id: string): Promise<string> {
    let accounts = await this.readModels.accountsOfUsage(source, id);
    if (accounts.length === 0) {
      const head = await this.runtime.store.headPosition(PROJECTED_STREAM_PREFIXES);
      if (head && (await this.runner.waitFor(head, 5000))) accounts = await this.readModels.accountsOfUsage(source, id);
    }
    if (accounts.length === 0) throw new DomainError('USAGE_NOT_FOUND', `no usage ${source}/${id} is known`);
    return accounts[0];
  }
}
