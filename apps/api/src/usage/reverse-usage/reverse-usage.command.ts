import { Command } from '@nestjs/cqrs';
import type { UsageReversed } from '@tally/events';

/** A reversal as the API returns it: the stored reversal, its time named for the response. */
export type ReversalView = Omit<UsageReversed['data'], 'at'> & { reversedAt: string };

/** Reverse an accepted usage by source + id; a second reversal returns the first. */
export class ReverseUsageCommand extends Command<ReversalView> {
  constructor(
    readonly source: string,
    readonly id: string,
    readonly reason: string | null,
  ) {
    super();
  }
}
