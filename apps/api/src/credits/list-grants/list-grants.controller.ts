import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { GrantView } from '@tally/domain';
import { AsOfQueryDto } from '../../accounts/as-of/as-of.dto';
import { Allow } from '../../auth/roles.decorator';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { Problem } from '../../http/problem';
import { ListGrantsQuery } from './list-grants.query';

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/accounts/:account/credits/grants')
export class ListGrantsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('any')
  @Operation('listGrants', 'The grants the account holds (live, not yet effective, ended in the last 35 days), in burn order')
  @Answers(200, 'The grants, each with what is left of it', ['Grant'])
  @Fails(404, 'No account of this id has been seen yet (by `asOf`)')
  async list(@NameParam('account') account: string, @Query() query: AsOfQueryDto): Promise<GrantView[]> {
    const grants = await this.queries.execute(new ListGrantsQuery(account, query.asOf ?? null));
    if (!grants) throw new Problem(404, 'ACCOUNT_NOT_FOUND', 'Account not found', `no account ${account} has been seen yet`);
    return grants;
  }
}
