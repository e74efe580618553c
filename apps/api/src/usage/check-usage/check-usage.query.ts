import { Query } from '@nestjs/cqrs';
import type { UsageCheck, UsageRequest } from '@tally/events';

export type { UsageCheck };

/** Decide a usage request without recording anything. */
export class CheckUsageQuery extends Query<UsageCheck> {
  constructor(readonly request: UsageRequest) {
    super();
  }
}
