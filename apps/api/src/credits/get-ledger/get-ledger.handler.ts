import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type LedgerPosition, type LedgerRow } from '@tally/read-models';
import { Metrics } from '../../operations/metrics';
import { GetLedgerQuery } from './get-ledger.query';

@QueryHandler(GetLedgerQuery)
export class GetLedgerHandler implements IQueryHandler<GetLedgerQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly metrics: Metrics,
  ) {}

  async execute({
    month,
    account,
    after,
    limit,
  }: GetLedgerQuery): Promise<AsyncGenerator<Array<LedgerRow & { position: LedgerPosition }>>> {
    const rowsRead = this.metrics.exportRows.labels({ export: 'ledger' });
    const pages = this.readModels.ledgerPages(month, { account, after, limit });
    return (async function* () {
      for await (const page of pages) {
        rowsRead.inc(page.length);
        yield page;
      }
    })();
  }
}
