import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decisionFor, DomainError } from '@tally/domain';
import type { UsageReversed } from '@tally/events';
import { ReadModels } from '@tally/read-models';
import { AccountHandler } from '../../accounts/account-handler';
import { AccountsOfId } from '../../accounts/accounts-of-id';
import { Clock } from '../../runtime/clock';
import { ReverseUsageCommand, type ReversalView } from './reverse-usage.command';

/**
 * A reversal names only source + id, so the accounts come from the decision log. Duplicates are
 * per account, so after a subject was remapped the same usage may have been accepted in two
 * accounts: it is reversed in every one that accepted it. The log may lag, so the handler first
 * waits (up to 5 s) for the projector to reach the store's head.
 */
@CommandHandler(ReverseUsageCommand)
export class ReverseUsageHandler implements ICommandHandler<ReverseUsageCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly readModels: ReadModels,
    private readonly accountsOfId: AccountsOfId,
    private readonly clock: Clock,
  ) {}

  async execute({ source, id, reason }: ReverseUsageCommand): Promise<ReversalView> {
    const accounts = [...new Set(await this.accountsOfId.find(() => this.readModels.accountsOfUsage(source, id)))];
    const reversals: Array<UsageReversed['data']> = [];
    const refusals: DomainError[] = [];
    for (const account of accounts) {
      const now = this.clock.now();
      const outcome = await this.decisions.execute({ type: 'ReverseUsage', account, source, id, reason, now });
      const reversal = outcome.ok ? decisionFor(outcome.state, source, id)?.reversal : null;
      if (reversal) reversals.push(reversal);
      else if (!outcome.ok) refusals.push(outcome.error);
    }
    // Refusals in some accounts (a rejection there) do not matter while another account accepted it.
    if (reversals.length === 0) {
      throw (
        refusals.find((e) => e.code === 'USAGE_NOT_ACCEPTED') ??
        refusals[0] ??
        new DomainError('USAGE_NOT_FOUND', `no usage ${source}/${id} is known`)
      );
    }
    const { at, ...rest } = reversals[0];
    return { ...rest, reversedAt: at, accounts: reversals.map((r) => r.account) };
  }
}
