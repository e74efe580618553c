import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { BillingLine } from '@tally/domain';
import type { DecisionView, UsageLine } from '@tally/read-models';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import { Allow } from '../auth/roles.decorator';
import { Answers, Operation } from '../http/openapi/answers';
import { ref } from '../http/openapi/schemas';
import { PAGE_LIMIT } from '../http/page-limit';
import { NameParam } from '../http/params';
import { validationProblem } from '../http/problem';
import { BillingQueryDto, DecisionsQueryDto, UsageQueryDto } from './reports.dto';
import { GetBillingQuery, GetDecisionsQuery, GetUsageQuery } from './reports.queries';

const BILLING_COLUMNS: Array<keyof BillingLine> = [
  'account',
  'meter',
  'month',
  'units',
  'billableUnits',
  'blocks',
  'blockSize',
  'blockPrice',
  'amount',
  'currency',
];

const BILLING_CSV_EXAMPLE =
  'account,meter,month,units,billableUnits,blocks,blockSize,blockPrice,amount,currency\nacme,geocoding,2026-11,600,400,4,100,0.50,2.00,USD\n';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1')
export class ReportsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('accounts/:account/usage')
  @Allow('any')
  @Operation('getUsage', 'Monthly use between two months (inclusive), per meter or per meter × subject')
  @Answers(200, 'One line per month × meter (× subject)', ['UsageLine'])
  usage(@NameParam('account') account: string, @Query() query: UsageQueryDto): Promise<UsageLine[]> {
    if (query.from > query.to) throw validationProblem([{ field: 'from', reason: 'from must not be after to' }]);
    return this.queries.execute(new GetUsageQuery(account, query.from, query.to, query.groupBy === 'subject'));
  }

  @Get('billing')
  @Allow('finance')
  @Operation('getBilling', 'Billing lines of a month; Accept: text/csv gives CSV with a header row')
  @ApiResponse({
    status: 200,
    description: 'One line per account × meter with units in the month',
    content: {
      'application/json': { schema: { type: 'array', items: ref('BillingLine') } },
      'text/csv': { schema: { type: 'string' }, example: BILLING_CSV_EXAMPLE },
    },
  })
  async billing(
    @Query() query: BillingQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<BillingLine[] | string> {
    const lines = await this.queries.execute(new GetBillingQuery(query.month, query.account));
    if (!accept?.includes('text/csv')) return lines;
    response.type('text/csv').setHeader('Content-Disposition', `attachment; filename="billing-${query.month}.csv"`);
    return stringify(lines, { header: true, columns: BILLING_COLUMNS });
  }

  @Get('accounts/:account/decisions')
  @Allow('any')
  @Operation('listDecisions', 'Audit log of decisions, newest first; `before=<position>` gives the page after that entry')
  @Answers(200, 'Decisions, newest first, each with its position and its reversal if any', ['DecisionLogEntry'])
  decisions(@NameParam('account') account: string, @Query() query: DecisionsQueryDto): Promise<DecisionView[]> {
    return this.queries.execute(new GetDecisionsQuery(account, query.limit ?? PAGE_LIMIT.default, query.before ?? null));
  }
}
