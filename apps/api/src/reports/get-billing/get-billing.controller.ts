import { Controller, Get, Headers, Logger, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { BillingLine } from '@tally/domain';
import { billingPeriodKey } from '@tally/read-models';
import type { FastifyReply } from 'fastify';
import { Allow } from '../../auth/roles.decorator';
import { Operation } from '../../http/openapi/answers';
import { ref } from '../../http/openapi/schemas';
import { cursorPlace, limitedPage, nextLink, onePage, resumed, streamExport, wantsCsv } from '../export-stream';
import { decodeBillingCursor, encodeBillingCursor } from './billing-cursor';
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
  'periodStart',
  'periodEnd',
];

// Lines of calendar months leave the period's bounds empty; a line of another period names them.
const BILLING_CSV_EXAMPLE =
  'account,meter,month,units,billableUnits,blocks,blockSize,blockPrice,amount,currency,periodStart,periodEnd\n' +
  'acme,geocoding,2026-11,600,400,4,100,0.50,2.00,USD,,\n' +
  'acme,ocr,2026-11,90,90,1,100,0.50,0.50,USD,2026-11-15T09:00:00.000Z,2026-12-15T09:00:00.000Z\n';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/billing')
export class GetBillingController {
  private readonly logger = new Logger('BillingExport');

  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('finance')
  @Operation(
    'getBilling',
    'Billing lines of a month, by account and meter, streamed; Accept: text/csv gives CSV with a header row; limit and after page them',
  )
  @ApiResponse({
    status: 200,
    description:
      'One line per account × meter with units in the month, ordered by account then meter. Without `limit`, every line (after `after`) is streamed as it is read; an error after the first byte aborts the connection, so a cut-off answer never ends like a whole one',
    headers: {
      Link: {
        description: 'with `limit`, when more lines follow: `<…&after=CURSOR&limit=N>; rel="next"`, the next page',
        schema: { type: 'string' },
      },
    },
    content: {
      'application/json': { schema: { type: 'array', items: ref('BillingLine') } },
      'text/csv': { schema: { type: 'string' }, example: BILLING_CSV_EXAMPLE },
    },
  })
  async billing(
    @Query() query: BillingQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const after =
      query.after === undefined
        ? null
        : cursorPlace(decodeBillingCursor(query.after), (p) => query.account === undefined || p.account === query.account);
    const csv = wantsCsv(accept);
    // A page (limit) reads one line more than it answers, to know whether a next page exists.
    const pages = await this.queries.execute(
      new GetBillingQuery(query.month, query.account, after, query.limit === undefined ? undefined : query.limit + 1),
    );
    // The pages read one snapshot until they end: ended here whatever happened (a client gone
    // before the body was piped never reads them to their end).
    try {
      // Read before the first byte: a failure here is still an ordinary problem+json answer.
      const first = await pages.next();
      let body: AsyncGenerator<BillingLine[]> = resumed(first.done ? [] : first.value, pages);
      if (query.limit !== undefined) {
        const { rows, last } = await limitedPage(body, query.limit);
        if (last) {
          const after = encodeBillingCursor({ account: last.account, meter: last.meter, period: billingPeriodKey(last) });
          const link = { month: query.month, account: query.account, after, limit: String(query.limit) };
          response.header('Link', nextLink('/v1/billing', link));
        }
        body = onePage(rows);
      }
      if (csv) {
        response.type('text/csv').header('Content-Disposition', `attachment; filename="billing-${query.month}.csv"`);
      } else response.type('application/json');
      await streamExport(
        response,
        { body, csv, columns: BILLING_COLUMNS, name: `billing export of ${query.month}` },
        this.logger,
      );
    } finally {
      await pages.return(undefined);
    }
  }
}
