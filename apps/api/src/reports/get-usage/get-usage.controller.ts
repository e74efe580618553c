import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { DailyUsageLine, UsageLine } from '@tally/read-models';
import { Allow } from '../../auth/roles.decorator';
import { Operation } from '../../http/openapi/answers';
import { int, object, str } from '../../http/openapi/schema-builders';
import { ref } from '../../http/openapi/schemas';
import { NameParam } from '../../http/params';
import { validationProblem } from '../../http/problem';
import { UsageQueryDto } from './get-usage.dto';
import { GetUsageQuery } from './get-usage.query';
import { periodErrors } from './usage-period';

/** A line of the daily form (granularity=day). */
const DAILY_USAGE_LINE = object(
  {
    day: str('2026-11-22', 'UTC day of the usages’ event times'),
    meter: str('geocoding'),
    subject: str('alice'),
    units: int('accepted units, net of reversals (a reversal nets out on the day of the usage it reverses)', 600),
    requests: int('accepted usages, net of reversals', 1),
    rejected: int(undefined, 0),
  },
  ['subject'],
);

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/accounts/:account/usage')
export class GetUsageController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('any')
  @Operation(
    'getUsage',
    'Use between two months (inclusive), or with granularity=day between two days (inclusive, at most 366), per meter or per meter × subject',
  )
  @ApiResponse({
    status: 200,
    description: 'One line per month (or day) × meter (× subject), in that order',
    schema: { type: 'array', items: { oneOf: [ref('UsageLine'), DAILY_USAGE_LINE] } },
  })
  usage(@NameParam('account') account: string, @Query() query: UsageQueryDto): Promise<UsageLine[] | DailyUsageLine[]> {
    const granularity = query.granularity ?? 'month';
    const errors = periodErrors(query.from, query.to, granularity);
    if (errors.length) throw validationProblem(errors);
    return this.queries.execute(new GetUsageQuery(account, query.from, query.to, query.groupBy === 'subject', granularity));
  }
}
