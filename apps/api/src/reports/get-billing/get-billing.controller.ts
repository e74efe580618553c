import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { BillingLine } from '@tally/domain';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import { Allow } from '../../auth/roles.decorator';
import { Operation } from '../../http/openapi/answers';
import { ref } from '../../http/openapi/schemas';
import { BillingQueryDto } from './get-billing.dto';
import { GetBillingQuery } from './get-billing.query';

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
@Controller('v1/billing')
export class GetBillingController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
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
}
