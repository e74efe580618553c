import { Command } from '@nestjs/cqrs';
import type { UsageItem } from '@tally/events';
import type { DecisionMessage } from '@tally/messages';

/** Commit a hold by source + id: c ≤ q units become an accepted usage, the rest is freed. */
export class CommitHoldCommand extends Command<DecisionMessage> {
  constructor(
    readonly source: string,
    readonly id: string,
    readonly quantity: number | null,
    readonly reportedBy: string,
    /** For a multi-item hold: the units used per held meter; null commits all of them. */
    readonly items: UsageItem[] | null = null,
  ) {
    super();
  }
}
