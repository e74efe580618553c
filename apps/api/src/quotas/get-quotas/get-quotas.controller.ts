import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@tally/domain';
import type { QuotaStatus } from '@tally/read-models';
import { Allow } from '../../auth/roles.decorator';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { GetQuotasQuery } from './get-quotas.query';

/** Reads an account's quotas: every one (`listQuotas`) or one meter's (`getQuota`), the same query. */
@ApiTags('quotas')
@ApiBearerAuth()
@Controller('v1/accounts/:account/quotas')
export class GetQuotasController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('any')
  @Operation('listQuotas', "The account's quotas with usage in the current period")
  @Answers(200, 'Every quota of the account', ['QuotaStatus'])
  list(@NameParam('account') account: string): Promise<QuotaStatus[]> {
    return this.queries.execute(new GetQuotasQuery(account));
  }

  @Get(':meter')
  @Allow('any')
  @Operation('getQuota', 'One quota with usage in the current period')
  @Answers(200, 'The quota', 'QuotaStatus')
  @Fails(404, 'The account has no quota for this meter')
  async one(@NameParam('account') account: string, @NameParam('meter') meter: string): Promise<QuotaStatus> {
    const [quota] = await this.queries.execute(new GetQuotasQuery(account, meter));
    if (!quota) throw new DomainError('QUOTA_NOT_FOUND', `account ${account} has no quota for meter ${meter}`);
    return quota;
  }
}
