import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { BillingLine } from '@tally/domain';
import { ReadModels } from '@tally/read-models';
import { Metrics } from '../../operations/metrics';
import { Clock } from '../../runtime/clock';
import { GetBillingQuery } from './get-billing.query';

@QueryHandler(GetBillingQuery)
export class GetBillingHandler implements IQueryHandler<GetBillingQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  execute({ month, account, after, limit }: GetBillingQuery): Promise<AsyncGenerator<BillingLine[]>> {
    const rowsRead = this.metrics.exportRows.labels({ export: 'billing' });
    return Promise.resolve(
      this.readModels.billingPages(month, this.clock.now(), { account, after, limit, onRead: (rows) => rowsRead.inc(rows) }),
    );
  }
}
