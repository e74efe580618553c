import { Query } from '@nestjs/cqrs';
import type { UsageRequest } from '@tally/events';
import type { UsageCheck } from '@tally/messages';

export type { UsageCheck };

/** Decide a usage request without recording anything. */
export class CheckUsageQuery extends Query<UsageCheck> {
  constructor(readonly request: UsageRequest) {
    super();
  }
}
