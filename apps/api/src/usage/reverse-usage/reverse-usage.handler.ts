import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decisionFor, DomainError } from '@tally/domain';
import type { UsageReversed } from '@tally/events';
import type { EventStore } from '@tally/eventstore';
import { PROJECTED_STREAM_PREFIXES, ProjectionRunner, ReadModels } from '@tally/read-models';
import { AccountDecisions } from '../../accounts/account-decisions';
import { Problem } from '../../http/problem';
import { Clock } from '../../runtime/clock';
import { EVENT_STORE } from '../../runtime/runtime.module';
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
    private readonly decisions: AccountDecisions,
    private readonly readModels: ReadModels,
    private readonly runner: ProjectionRunner,
    private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ source, id, reason }: ReverseUsageCommand): Promise<ReversalView> {
    const head = await this.store.headPosition(PROJECTED_STREAM_PREFIXES);
    const caughtUp = head === null || (await this.runner.waitFor(head, 5000));
    const accounts = [...new Set(await this.readModels.accountsOfUsage(source, id))];
    // Not in a log that is behind the store is not "unknown": the caller should try again.
    if (accounts.length === 0 && !caughtUp) {
      throw new Problem(
        503,
        'READ_MODELS_BEHIND',
        'Decision log is behind',
        'the decision log has not caught up with the event store (is the projector running?); try again shortly',
      );
    }
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
