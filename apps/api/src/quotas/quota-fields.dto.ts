import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_QUANTITY, OptionalNotNull } from '@tally/messages';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** Prices are exact decimals written as strings: up to 12 integer and 6 fraction digits. */
export const PRICE_PATTERN = /^\d{1,12}(\.\d{1,6})?$/;
/** Largest limit or included units a quota takes. */
export const MAX_UNITS = Number.MAX_SAFE_INTEGER;
/** Alert percentages per quota, and the highest (a soft quota may alert past its limit). */
const MAX_ALERTS = 10;
const MAX_ALERT_PERCENT = 1000;

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

  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    example: [80, 100],
    default: [],
    description: 'percentages of the limit (1 to 1000, at most 10) that raise an alert once per period',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_ALERTS)
  @ArrayUnique({ message: 'alertAt must not name a percentage twice' })
  @IsInt({ each: true, message: 'each value in alertAt must be an integer' })
  @Min(1, { each: true })
  @Max(MAX_ALERT_PERCENT, { each: true })
  alertAt?: number[];
}
