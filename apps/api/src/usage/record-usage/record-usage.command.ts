import { Command } from '@nestjs/cqrs';
import type { UsageMessage } from '@tally/events';
import type { DecisionMessage } from '@tally/messages';

/** Where a usage message came in; decisions are counted per channel. */
export type Channel = 'http' | 'kafka';

/**
 * Record usage: decide validated usage messages, in order (each as the domain's `DecideUsage`);
 * resolves once every decision is durable.
 */
export class RecordUsageCommand extends Command<DecisionMessage[]> {
  /**
   * @param reportedBy recorded with each decision: the API key's id over HTTP; defaults to the
   * channel's name ("kafka" for the topic, which has no key).
   */
  constructor(
    readonly messages: UsageMessage[],
    readonly channel: Channel,
    readonly reportedBy: string = channel,
  ) {
    super();
  }
}
