import { Controller, Get, Headers, Logger, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { LedgerPosition, LedgerRow } from '@tally/read-models';
import type { FastifyReply } from 'fastify';
import { Allow } from '../../auth/roles.decorator';
import { Operation } from '../../http/openapi/answers';
import { ref } from '../../http/openapi/schemas';
import { cursorPlace, limitedPage, nextLink, onePage, resumed, streamExport, wantsCsv } from '../../reports/export-stream';
import { decodeLedgerCursor, encodeLedgerCursor } from './ledger-cursor';
import { LedgerQueryDto } from './get-ledger.dto';
import { GetLedgerQuery } from './get-ledger.query';

const LEDGER_COLUMNS = ['account', 'at', 'kind', 'grant', 'amount', 'usage'];

type Placed = LedgerRow & { position: LedgerPosition };

const bare = ({ position: _, ...row }: Placed): LedgerRow => row;

async function* withoutPositions(pages: AsyncIterable<Placed[]>): AsyncGenerator<LedgerRow[]> {
  for await (const page of pages) yield page.map(bare);
}

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/credits/ledger')
export class GetLedgerController {
  private readonly logger = new Logger('LedgerExport');

  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('finance')
  @Operation(
    'getCreditLedger',
    "A month's credit movements (granted, burnt, expired, voided, refunded), by account then time, streamed; Accept: text/csv gives CSV",
  )
  @ApiResponse({
    status: 200,
    description:
      "Signed amounts: a month's rows sum to the change in balance over the month (an expiry counts from the instant it is due, recorded or not). Streamed as read; `limit` and `after` page it",
    headers: { Link: { description: 'with `limit`, when more rows follow: the next page', schema: { type: 'string' } } },
    content: {
      'application/json': { schema: { type: 'array', items: ref('LedgerRow') } },
      'text/csv': {
        schema: { type: 'string' },
        example: 'account,at,kind,grant,amount,usage\nacme,2026-11-02T10:00:00.000Z,burnt,promo,-6,geocoder/job-42\n',
      },
    },
  })
  async ledger(
    @Query() query: LedgerQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() response: FastifyReply,
  ): Promise<void> {
    // A row's place is in its month (its `at`) and its account.
    const after =
      query.after === undefined
        ? null
        : cursorPlace(
            decodeLedgerCursor(query.after),
            (p) => p.at.slice(0, 7) === query.month && (query.account === undefined || p.account === query.account),
          );
    const csv = wantsCsv(accept);
    const pages = await this.queries.execute(
      new GetLedgerQuery(query.month, query.account, after, query.limit === undefined ? undefined : query.limit + 1),
    );
    // The pages read one snapshot until they end: ended here whatever happened (a client gone
    // before the body was piped never reads them to their end).
    try {
      // Read before the first byte: a failure here is still an ordinary problem+json answer.
      const first = await pages.next();
      let body: AsyncIterable<Placed[]> = resumed(first.done ? [] : first.value, pages);
      if (query.limit !== undefined) {
        const { rows, last } = await limitedPage(body, query.limit);
        if (last) {
          const link = {
            month: query.month,
            account: query.account,
            after: encodeLedgerCursor(last.position),
            limit: String(query.limit),
          };
          response.header('Link', nextLink('/v1/credits/ledger', link));
        }
        body = onePage(rows);
      }
      if (csv) response.type('text/csv').header('Content-Disposition', `attachment; filename="credit-ledger-${query.month}.csv"`);
      else response.type('application/json');
      const name = `credit ledger export of ${query.month}`;
      await streamExport(response, { body: withoutPositions(body), csv, columns: LEDGER_COLUMNS, name }, this.logger);
    } finally {
      await pages.return(undefined);
    }
  }
}
