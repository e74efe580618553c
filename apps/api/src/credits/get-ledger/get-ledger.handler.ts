import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type LedgerPosition, type LedgerRow } from '@tally/read-models';
import { Metrics } from '../../operations/metrics';
import { Clock } from '../../runtime/clock';
import { GetLedgerQuery } from './get-ledger.query';

@QueryHandler(GetLedgerQuery)
export class GetLedgerHandler implements IQueryHandler<GetLedgerQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
  ) {}

  async execute({
    month,
    account,
    after,
    limit,
  }: GetLedgerQuery): Promise<AsyncGenerator<Array<LedgerRow & { position: LedgerPosition }>>> {
    const rowsRead = this.metrics.exportRows.labels({ export: 'ledger' });
    // An expiry due by now shows even before the account's next decision records it.
    const pages = this.readModels.ledgerPages(month, { account, after, limit, now: this.clock.now() });
    return (async function* () {
      for await (const page of pages) {
        rowsRead.inc(page.length);
        yield page;
      }
    })();
  }
}
