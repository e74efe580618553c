import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ANCHORED_PERIODS, QUOTA_PERIODS, RATE_PERIODS, type QuotaPeriod, type RatePeriod } from '@tally/events';
import { IsTimestamp, MAX_QUANTITY, OptionalNotNull } from '@tally/messages';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

/** Prices are exact decimals written as strings: up to 12 integer and 6 fraction digits. */
export const PRICE_PATTERN = /^\d{1,12}(\.\d{1,6})?$/;
/** Largest limit or included units a quota takes. */
export const MAX_UNITS = Number.MAX_SAFE_INTEGER;
/** Alert percentages per quota, and the highest (a soft quota may alert past its limit). */
const MAX_ALERTS = 10;
const MAX_ALERT_PERCENT = 1000;

/** A quota's rate limit: a token bucket holding up to `burst` tokens, refilled `units` every `per`. */
export class RateLimitDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 10, description: 'tokens refilled every `per`, continuously' })
  @IsInt({ message: 'units must be an integer' })
  @Min(1)
  @Max(MAX_QUANTITY)
  units!: number;

  @ApiProperty({ enum: RATE_PERIODS, example: 'second' })
  @IsIn(RATE_PERIODS)
  per!: RatePeriod;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    example: 20,
    description: 'tokens the bucket holds at most (default: units)',
  })
  @OptionalNotNull()
  @IsInt({ message: 'burst must be an integer' })
  @Min(1)
  @Max(MAX_QUANTITY)
  burst?: number;
}

/** Optional quota fields, shared by PUT (with `limit` required) and PATCH. */
export class QuotaFieldsDto {
  @ApiPropertyOptional({ enum: ['hard', 'soft'], default: 'hard' })
  @OptionalNotNull()
  @IsIn(['hard', 'soft'])
  enforcement?: 'hard' | 'soft';

  @ApiPropertyOptional({
    enum: QUOTA_PERIODS,
    default: 'month',
    description: 'UTC day, ISO week (from Monday 00:00), month or year of the event time; none = cumulative capacity',
  })
  @OptionalNotNull()
  @IsIn(QUOTA_PERIODS)
  period?: QuotaPeriod;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    nullable: true,
    default: null,
    example: '2026-01-15T09:00:00Z',
    description:
      "month and year only: each period starts at this instant's day of month (and month, for year) and time of day, UTC; " +
      "a day past a month's end falls on its last day. null = the calendar month or year",
  })
  @IsOptional()
  @IsTimestamp({ message: 'anchor must be an RFC 3339 timestamp with an offset (Z or ±hh:mm) of a real date and time' })
  @ValidateBy({
    name: 'anchoredPeriod',
    validator: {
      // PUT defaults the period to month; a PATCH naming no period is checked against the stored one.
      validate: (_value, args) => {
        const period = (args?.object as QuotaFieldsDto).period;
        return period === undefined || ANCHORED_PERIODS.includes(period);
      },
      defaultMessage: () => 'anchor applies to month and year periods only (send anchor: null)',
    },
  })
  anchor?: string | null;

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

  @ApiPropertyOptional({
    type: RateLimitDto,
    nullable: true,
    description: 'a token bucket on decision time (null or left out of a PUT: none); usage over it is rejected RATE_LIMITED',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RateLimitDto)
  rateLimit?: RateLimitDto | null;
}
