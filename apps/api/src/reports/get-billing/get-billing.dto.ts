import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MONTH_PATTERN, NAME_PATTERN, NAME_RULE } from '@tally/events';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { MONTH_RULE } from '../month-rule';

/** Most lines one page of billing holds when `limit` is given. */
export const BILLING_PAGE_LIMIT = 1000;

/** Query of GET /v1/billing. */
export class BillingQueryDto {
  @ApiProperty({ example: '2026-11' })
  @IsString()
  @Matches(MONTH_PATTERN, MONTH_RULE)
  month!: string;

  @ApiPropertyOptional({ example: 'acme' })
  @IsOptional()
  @IsString()
  @Matches(NAME_PATTERN, { message: `account ${NAME_RULE}` })
  account?: string;

  @ApiPropertyOptional({
    description:
      'opaque cursor: the lines after the one it names. Take it from the `Link: <…>; rel="next"` header of the page before',
  })
  @IsOptional()
  @IsString()
  after?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: BILLING_PAGE_LIMIT,
    description: 'a page of at most this many lines, with a `Link: rel="next"` header when more follow; absent: every line',
  })
  @IsOptional()
  // Digits only: Number() would also read "1e3", "0x10", " 7" and "".
  @Transform(({ value }) => (typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be an integer written in digits' })
  @Min(1)
  @Max(BILLING_PAGE_LIMIT)
  limit?: number;
}
