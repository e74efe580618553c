import { ApiPropertyOptional } from '@nestjs/swagger';
import { NAME_PATTERN, NAME_RULE } from '@tally/events';
import { IsOptional, IsString, Matches } from 'class-validator';
import { PageLimit } from '../../http/page-limit';

/** Query of GET /v1/accounts: a cursor (the last account of the previous page) and a page size. */
export class AccountsQueryDto {
  @ApiPropertyOptional({ description: 'the last account of the previous page', example: 'acme' })
  @IsOptional()
  @IsString()
  @Matches(NAME_PATTERN, { message: `after ${NAME_RULE}` })
  after?: string;

  @PageLimit()
  limit?: number;
}
