import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsText, IsTimestamp } from '@tally/messages';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Largest single grant; keeps every balance an exact integer. */
export const MAX_GRANT = 1_000_000_000_000_000;

const TIMESTAMP_RULE = 'must be an RFC 3339 timestamp with an offset (Z or ±hh:mm) of a real date and time';

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

  @ApiPropertyOptional({
    example: 'grant-2026-11-001',
    description:
      "idempotency key: a grant id is granted once (while the account holds the grant). Ids starting with allowance:, carried:, legacy:, refund: or grant: are Tally's own",
  })
  @IsOptional()
  @IsText(1, 256)
  id?: string;

  @ApiPropertyOptional({ example: 10, minimum: 1, maximum: 100, description: 'burn order: 1 burns first (default 50)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  priority?: number;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'when the grant starts to count (default now)' })
  @IsOptional()
  @IsTimestamp({ message: `effectiveAt ${TIMESTAMP_RULE}` })
  effectiveAt?: string;

  @ApiPropertyOptional({
    type: String,
    example: '2026-02-01T00:00:00Z',
    description: 'when what is left of it leaves the balance; after effectiveAt and after now. Absent or null: never',
    nullable: true,
  })
  @IsOptional()
  @IsTimestamp({ message: `expiresAt ${TIMESTAMP_RULE}` })
  expiresAt?: string | null;
}

/** Id prefixes Tally names its own grants with. */
export const RESERVED_GRANT_PREFIXES = ['allowance:', 'carried:', 'legacy:', 'refund:', 'grant:'];
