import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PERIOD_PATTERN, PERIOD_RULE } from './usage-period';

/** Query of GET /v1/accounts/{account}/usage. */
export class UsageQueryDto {
  @ApiProperty({
    example: '2026-09',
    description: 'first month (YYYY-MM), or first day (YYYY-MM-DD) with granularity=day; inclusive',
  })
  @IsString()
  @Matches(PERIOD_PATTERN, PERIOD_RULE)
  from!: string;

  @ApiProperty({
    example: '2026-11',
    description: 'last month (YYYY-MM), or last day (YYYY-MM-DD) with granularity=day; inclusive',
  })
  @IsString()
  @Matches(PERIOD_PATTERN, PERIOD_RULE)
  to!: string;

  @ApiPropertyOptional({
    enum: ['month', 'day'],
    default: 'month',
    description: 'month: one line per month; day: one line per UTC day, at most 366 days',
  })
  @IsOptional()
  @IsIn(['month', 'day'])
  granularity?: 'month' | 'day';

  @ApiPropertyOptional({ enum: ['subject'] })
  @IsOptional()
  @IsIn(['subject'])
  groupBy?: 'subject';
}
