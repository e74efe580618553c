import { Body, Controller, Get, Patch, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@tally/domain';
import type { QuotaStatus } from '@tally/read-models';
import { withDefaultTerms, type QuotaTerms } from '@tally/events';
import { AsOfQueryDto } from '../accounts/as-of/as-of.dto';
import { Allow } from '../auth/roles.decorator';
import { Answers, Fails, Operation } from '../http/openapi/answers';
import { NameParam } from '../http/params';
import { validationProblem } from '../http/problem';
import { ChangeQuotaDto, SetQuotaDto } from './quota.dto';
import { ChangeQuotaCommand, GetQuotasQuery, SetQuotaCommand } from './quota.commands';

@ApiTags('quotas')
@ApiBearerAuth()
@Controller('v1/accounts/:account/quotas')
export class QuotasController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':meter')
  @Operation('setQuota', 'Set a quota (unset fields take their defaults)')
  @Answers(200, 'The stored terms', 'QuotaTerms')
  set(@NameParam('account') account: string, @NameParam('meter') meter: string, @Body() body: SetQuotaDto): Promise<QuotaTerms> {
    return this.commands.execute(new SetQuotaCommand(account, meter, withDefaultTerms(body)));
  }

  @Patch(':meter')
  @Operation('changeQuota', 'Change some fields of a quota')
  @Answers(200, 'The stored terms', 'QuotaTerms')
  @Fails(404, 'The account has no quota for this meter')
  change(
    @NameParam('account') account: string,
    @NameParam('meter') meter: string,
    @Body() body: ChangeQuotaDto,
  ): Promise<QuotaTerms> {
    const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Partial<QuotaTerms>;
    if (Object.keys(patch).length === 0) throw validationProblem([{ field: '', reason: 'name at least one field to change' }]);
    return this.commands.execute(new ChangeQuotaCommand(account, meter, patch));
  }

  @Get()
  @Allow('any')
  @Operation('listQuotas', "The account's quotas with usage and reserved units in the current period, or as known at `asOf`")
  @Answers(200, 'Every quota of the account', ['QuotaStatus'])
  list(@NameParam('account') account: string, @Query() query: AsOfQueryDto): Promise<QuotaStatus[]> {
    return this.queries.execute(new GetQuotasQuery(account, undefined, query.asOf ?? null));
  }

  @Get(':meter')
  @Allow('any')
  @Operation('getQuota', 'One quota with usage and reserved units in the current period, or as known at `asOf`')
  @Answers(200, 'The quota', 'QuotaStatus')
  @Fails(404, 'The account has no quota for this meter (at `asOf`)')
  async one(
    @NameParam('account') account: string,
    @NameParam('meter') meter: string,
    @Query() query: AsOfQueryDto,
  ): Promise<QuotaStatus> {
    const [quota] = await this.queries.execute(new GetQuotasQuery(account, meter, query.asOf ?? null));
    if (!quota) throw new DomainError('QUOTA_NOT_FOUND', `account ${account} has no quota for meter ${meter}`);
    return quota;
  }
}
