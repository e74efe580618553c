import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MONTH_PATTERN } from '@tally/events';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { MONTH_RULE } from '../month-rule';

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
