import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { UsageLine } from '@tally/read-models';
import { Allow } from '../../auth/roles.decorator';
import { Answers, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { validationProblem } from '../../http/problem';
import { UsageQueryDto } from './get-usage.dto';
import { GetUsageQuery } from './get-usage.query';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/accounts/:account/usage')
export class GetUsageController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('any')
  @Operation('getUsage', 'Monthly use between two months (inclusive), per meter or per meter × subject')
  @Answers(200, 'One line per month × meter (× subject)', ['UsageLine'])
  usage(@NameParam('account') account: string, @Query() query: UsageQueryDto): Promise<UsageLine[]> {
    if (query.from > query.to) throw validationProblem([{ field: 'from', reason: 'from must not be after to' }]);
    return this.queries.execute(new GetUsageQuery(account, query.from, query.to, query.groupBy === 'subject'));
  }
}
