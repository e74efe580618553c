import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { MONTH_PATTERN, NAME_PATTERN, NAME_RULE } from '@tally/events';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

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
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  // Digits only: Number() would also read "1e3", "0x10", " 7" and "".
  @Transform(({ value }) => (typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be an integer written in digits' })
  @Min(1)
  @Max(1000)
  limit?: number;
}
