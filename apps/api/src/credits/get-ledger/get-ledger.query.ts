import { Query } from '@nestjs/cqrs';
import type { LedgerPosition, LedgerRow } from '@tally/read-models';

/** A month's credit movements, for every account or one, as pages read one after the other. */
export class GetLedgerQuery extends Query<AsyncGenerator<Array<LedgerRow & { position: LedgerPosition }>>> {
  constructor(
    readonly month: string,
    readonly account?: string,
    readonly after: LedgerPosition | null = null,
    readonly limit?: number,
  ) {
    super();
  }
}
