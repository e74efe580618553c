import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsText } from '@tally/messages';
import { IsOptional } from 'class-validator';

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
