import { Command } from '@nestjs/cqrs';
import type { UsageRequest } from '@tally/events';
import type { DecisionMessage } from '@tally/messages';

/** Where a usage request came in; decisions are counted per channel. */
export type Channel = 'http' | 'kafka';

/** Decide validated usage requests, in order; resolves once every decision is durable. */
export class RequestUsageCommand extends Command<DecisionMessage[]> {
  /**
   * @param reportedBy recorded with each decision: the API key's id over HTTP; defaults to the
   * channel's name ("kafka" for the topic, which has no key).
   */
  constructor(
    readonly requests: UsageRequest[],
    readonly channel: Channel,
    readonly reportedBy: string = channel,
  ) {
    super();
  }
}
