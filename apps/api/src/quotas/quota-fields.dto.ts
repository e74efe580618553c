import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_QUANTITY, OptionalNotNull } from '@tally/messages';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** Prices are exact decimals written as strings: up to 12 integer and 6 fraction digits. */
export const PRICE_PATTERN = /^\d{1,12}(\.\d{1,6})?$/;
/** Largest limit or included units a quota takes. */
export const MAX_UNITS = Number.MAX_SAFE_INTEGER;

/** Optional quota fields, shared by PUT (with `limit` required) and PATCH. */
export class QuotaFieldsDto {
  @ApiPropertyOptional({ enum: ['hard', 'soft'], default: 'hard' })
  @OptionalNotNull()
  @IsIn(['hard', 'soft'])
  enforcement?: 'hard' | 'soft';

  @ApiPropertyOptional({ enum: ['month', 'none'], default: 'month' })
  @OptionalNotNull()
  @IsIn(['month', 'none'])
  period?: 'month' | 'none';

  @ApiPropertyOptional({ default: 1000 })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  blockSize?: number;

  @ApiPropertyOptional({ example: '0.50', default: '0' })
  @OptionalNotNull()
  @IsString()
  @Matches(PRICE_PATTERN, { message: 'blockPrice must be a decimal string such as "0.50"' })
  blockPrice?: string;

  @ApiPropertyOptional({ default: 0 })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_UNITS)
  includedUnits?: number;

  @ApiPropertyOptional({ example: 'USD', default: 'USD' })
  @OptionalNotNull()
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as "USD"' })
  currency?: string;
}
