import { Query } from '@nestjs/cqrs';
import type { DeliveryAttempt } from '@tally/runtime';

/** An endpoint's delivery log, newest attempt first. */
export class ListDeliveriesQuery extends Query<DeliveryAttempt[]> {
  constructor(
    readonly id: string,
    readonly limit: number,
  ) {
    super();
  }
}
