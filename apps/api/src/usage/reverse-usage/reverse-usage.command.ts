import { Command } from '@nestjs/cqrs';
import type { UsageReversed } from '@tally/events';

/**
 * A reversal as the API returns it: the stored reversal (in the account that decided the usage
 * last), its time named for the response, and every account the usage was reversed in: more
 * than one when its subject was remapped and the same source + id was accepted again there.
 */
export type ReversalView = Omit<UsageReversed['data'], 'at'> & { reversedAt: string; accounts: string[] };

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
