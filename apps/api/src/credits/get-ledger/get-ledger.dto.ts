import { ApiPropertyOptional } from '@nestjs/swagger';
import { BillingQueryDto } from '../../reports/get-billing/get-billing.dto';

/** Query of GET /v1/credits/ledger: a month, an account, and the same cursor paging as billing. */
export class LedgerQueryDto extends BillingQueryDto {
  @ApiPropertyOptional({ description: 'opaque cursor from the `Link: rel="next"` header of the page before' })
  declare after?: string;
}
