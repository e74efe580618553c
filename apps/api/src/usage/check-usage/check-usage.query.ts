import { Query } from '@nestjs/cqrs';
import type { UsageMessage } from '@tally/events';
import type { UsageCheck } from '@tally/messages';

export type { UsageCheck };

/** Decide a usage message without recording anything (a dry run of `DecideUsage`). */
export class CheckUsageQuery extends Query<UsageCheck> {
  constructor(readonly request: UsageMessage) {
    super();
  }
}
