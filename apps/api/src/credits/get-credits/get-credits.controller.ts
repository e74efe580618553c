import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CreditTotals } from '@tally/events';
import { Allow } from '../../auth/roles.decorator';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { Problem } from '../../http/problem';
import { GetCreditsQuery } from './get-credits.query';

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/accounts/:account/credits')
export class GetCreditsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('any')
  @Operation('getCredits', 'Balance, granted and spent credits')
  @Answers(200, 'The wallet', 'Credits')
  @Fails(404, 'No account of this id has been seen yet')
  async get(@NameParam('account') account: string): Promise<CreditTotals> {
    const credits = await this.queries.execute(new GetCreditsQuery(account));
    if (!credits) throw new Problem(404, 'ACCOUNT_NOT_FOUND', 'Account not found', `no account ${account} has been seen yet`);
    return credits;
  }
}
