import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AccountSummary } from '@tally/read-models';
import { Allow } from '../../auth/roles.decorator';
import { Answers, Operation } from '../../http/openapi/answers';
import { PAGE_LIMIT } from '../../http/page-limit';
import { AccountsQueryDto } from './accounts-query.dto';
import { ListAccountsQuery } from './list-accounts.query';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('finance')
  @Operation('listAccounts', 'Accounts by id; pass the last one as `after` for the next page')
  @Answers(200, 'A page of accounts', ['AccountSummary'])
  list(@Query() query: AccountsQueryDto): Promise<AccountSummary[]> {
    return this.queries.execute(new ListAccountsQuery(query.after ?? null, query.limit ?? PAGE_LIMIT.default));
  }
}
