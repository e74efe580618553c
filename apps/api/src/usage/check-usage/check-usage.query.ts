import { Query } from '@nestjs/cqrs';
import type { RejectReason, UsageRequest } from '@tally/events';

/** The answer of a dry run: what deciding the request now would do. */
export interface UsageCheck {
  allowed: boolean;
  reason?: RejectReason;
  usage: number;
  limit: number | null;
  remaining: number | null;
}

/** Decide a usage request without recording anything. */
export class CheckUsageQuery extends Query<UsageCheck> {
  constructor(readonly request: UsageRequest) {
    super();
  }
}
