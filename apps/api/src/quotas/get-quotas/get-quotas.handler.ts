import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { currentPeriodKey, hasMembersBelow, subtreeStanding } from '@tally/domain';
import { ReadModels, subtreeStatus, type QuotaStatus } from '@tally/read-models';
import { AccountHandler } from '../../accounts/account-handler';
import { AccountAsOf } from '../../accounts/as-of/account-as-of';
import { asOfInstant } from '../../accounts/as-of/as-of.dto';
import { Clock } from '../../runtime/clock';
import { GetQuotasQuery } from './get-quotas.query';

/**
 * The quotas from the read models; for an account with members below it in a tree, what each
 * limit is held against (its subtree's usage and holds) from the tree's aggregate, caught up with
 * the store, as deciding counts it (docs/contract.md §2.7), its own part beside it. An account
 * in no tree (as the account handler knows it) reads no tree state: the read models answer alone.
 */
@QueryHandler(GetQuotasQuery)
export class GetQuotasHandler implements IQueryHandler<GetQuotasQuery> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly asOf: AccountAsOf,
    private readonly accounts: AccountHandler,
    private readonly clock: Clock,
  ) {}

  async execute({ account, meter, asOf }: GetQuotasQuery): Promise<QuotaStatus[]> {
    const now = this.clock.now();
    if (asOf !== null) return this.asOf.quotas(account, asOfInstant(asOf, now), meter);
    const [own, tree] = await Promise.all([
      this.readModels.quotas(account, now, meter),
      this.accounts.treeStateIfAny(account, now),
    ]);
    if (tree === null || !hasMembersBelow(tree, account)) return own;
    return own.map((status) =>
      subtreeStatus(status, subtreeStanding(tree, account, status.meter, currentPeriodKey(status, now), now), now),
    );
  }
}
