import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsText } from '@tally/events';
import { IsOptional } from 'class-validator';

/** Documents the CloudEvent accepted by POST /v1/usage (validated by libs/events' UsageCloudEvent). */
export class UsageEventDoc {
  @ApiProperty({ example: '1.0' }) specversion!: string;
  @ApiProperty({ example: 'u-123' }) id!: string;
  @ApiProperty({ example: 'geocoder' }) source!: string;
  @ApiProperty({ example: 'metering.usage.v1' }) type!: string;
  @ApiProperty({ example: 'alice' }) subject!: string;
  @ApiPropertyOptional({ example: '2026-11-22T10:00:00Z', description: 'event time; the receive time if absent' }) time?: string;
  @ApiProperty({ example: { meter: 'geocoding', quantity: 3 } }) data!: { meter: string; quantity: number };
}

/** Body of POST /v1/usage/reversals. */
export class ReversalDto {
  @ApiProperty({ example: 'geocoder' })
  @IsText(1, 256)
  source!: string;

  @ApiProperty({ example: 'u-123' })
  @IsText(1, 256)
  id!: string;

  @ApiPropertyOptional({ example: 'duplicate billing' })
  @IsOptional()
  @IsText(0, 500)
  reason?: string;
}
