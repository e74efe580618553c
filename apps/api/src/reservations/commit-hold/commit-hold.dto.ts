import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsText, MAX_QUANTITY, OptionalNotNull } from '@tally/messages';
import { IsInt, Max, Min } from 'class-validator';

/** Body of POST /v1/reservations/commit. */
export class CommitHoldDto {
  @ApiProperty({ example: 'geocoder' })
  @IsText(1, 256)
  source!: string;

  @ApiProperty({ example: 'job-42' })
  @IsText(1, 256)
  id!: string;

  @ApiPropertyOptional({ description: 'units used, at most the units held; all of them when absent', example: 7 })
  @OptionalNotNull()
  @IsInt({ message: 'quantity must be an integer' })
  @Min(1, { message: 'quantity must be at least 1' })
  @Max(MAX_QUANTITY, { message: `quantity must be at most ${MAX_QUANTITY}` })
  quantity?: number;
}
