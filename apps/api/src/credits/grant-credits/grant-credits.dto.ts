import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsText } from '@tally/messages';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Largest single grant; keeps every balance an exact integer. */
export const MAX_GRANT = 1_000_000_000_000_000;

/** Body of POST /v1/accounts/{account}/credits. */
export class GrantCreditsDto {
  @ApiProperty({ example: 500, description: 'whole credits, at least 1' })
  @IsInt()
  @Min(1)
  @Max(MAX_GRANT)
  amount!: number;

  @ApiPropertyOptional({ example: 'welcome bonus' })
  @IsOptional()
  @IsText(0, 500)
  reason?: string;

  @ApiPropertyOptional({ example: 'grant-2026-11-001', description: 'idempotency key: a grant id is granted once' })
  @IsOptional()
  @IsText(1, 256)
  id?: string;
}
