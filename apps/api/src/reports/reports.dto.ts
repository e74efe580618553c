import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MONTH_PATTERN, NAME_PATTERN, NAME_RULE } from '@tally/events';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PageLimit } from '../http/page-limit';

// Positions are zero-padded numbers (SQL: transaction:position; EventStoreDB: commit:prepare).
const POSITION_PATTERN = /^\d{20}(:\d{20}){0,3}$/;

const MONTH_RULE = { message: ({ property }: { property: string }) => `${property} must be a month written YYYY-MM` };

/** Query of GET /v1/accounts/{account}/usage. */
export class UsageQueryDto {
  @ApiProperty({ example: '2026-09' })
  @IsString()
  @Matches(MONTH_PATTERN, MONTH_RULE)
  from!: string;

  @ApiProperty({ example: '2026-11' })
  @IsString()
  @Matches(MONTH_PATTERN, MONTH_RULE)
  to!: string;

  @ApiPropertyOptional({ enum: ['subject'] })
  @IsOptional()
  @IsIn(['subject'])
  groupBy?: 'subject';
}

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

/** Query of GET /v1/accounts/{account}/decisions. */
export class DecisionsQueryDto {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'the position of the last entry of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(POSITION_PATTERN, { message: 'before must be the position of a decision from an earlier page' })
  before?: string;
}
