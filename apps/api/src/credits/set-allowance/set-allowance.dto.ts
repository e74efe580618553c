import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_GRANT } from '../grant-credits/grant-credits.dto';

/** Body of PUT /v1/accounts/{account}/credits/allowance. */
export class SetAllowanceDto {
  @ApiProperty({ example: 100, description: 'whole credits issued every period, at least 1' })
  @IsInt()
  @Min(1)
  @Max(MAX_GRANT)
  amount!: number;

  @ApiProperty({ enum: ['month', 'day'], description: 'the period: UTC calendar month or UTC day' })
  @IsIn(['month', 'day'])
  per!: 'month' | 'day';

  @ApiPropertyOptional({ example: 10, minimum: 1, maximum: 100, description: 'burn order of its grants (default 50)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  priority?: number;
}
