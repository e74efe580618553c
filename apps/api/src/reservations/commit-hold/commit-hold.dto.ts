import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_QUANTITY, OptionalNotNull } from '@tally/messages';
import { IsInt, Max, Min } from 'class-validator';
import { HoldIdDto } from '../hold-id.dto';

/** Body of POST /v1/reservations/commit. */
export class CommitHoldDto extends HoldIdDto {
  @ApiPropertyOptional({ description: 'units used, at most the units held; all of them when absent', example: 7 })
  @OptionalNotNull()
  @IsInt({ message: 'quantity must be an integer' })
  @Min(1, { message: 'quantity must be at least 1' })
  @Max(MAX_QUANTITY, { message: `quantity must be at most ${MAX_QUANTITY}` })
  quantity?: number;
}
