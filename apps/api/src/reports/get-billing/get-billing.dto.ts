import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MONTH_PATTERN, NAME_PATTERN, NAME_RULE } from '@tally/events';
import { IsOptional, IsString, Matches } from 'class-validator';
import { MONTH_RULE } from '../month-rule';

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
}
