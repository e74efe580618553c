import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { GrantView } from '@tally/domain';
import { ReadModels } from '@tally/read-models';
import { AccountAsOf } from '../../accounts/as-of/account-as-of';
import { asOfInstant } from '../../accounts/as-of/as-of.dto';
import { Clock } from '../../runtime/clock';
import { ListGrantsQuery } from './list-grants.query';

@QueryHandler(ListGrantsQuery)
export class ListGrantsHandler implements IQueryHandler<ListGrantsQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly asOf: AccountAsOf,
    private readonly clock: Clock,
  ) {}

  execute({ account, asOf }: ListGrantsQuery): Promise<GrantView[] | null> {
    const now = this.clock.now();
    if (asOf !== null) return this.asOf.grants(account, asOfInstant(asOf, now));
    return this.readModels.grants(account, now);
  }
}
