import { Command } from '@nestjs/cqrs';
import type { DecisionMessage } from '@tally/messages';

/** Commit a hold by source + id: c ≤ q units become an accepted usage, the rest is freed. */
export class CommitHoldCommand extends Command<DecisionMessage> {
  constructor(
    readonly source: string,
    readonly id: string,
    readonly quantity: number | null,
    readonly reportedBy: string,
  ) {
    super();
  }
}
