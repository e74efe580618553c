import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_QUANTITY, OptionalNotNull } from '@tally/messages';
import { Allow, IsInt, Max, Min } from 'class-validator';
import { HoldIdDto } from '../hold-id.dto';

/** Body of POST /v1/reservations/commit. */
export class CommitHoldDto extends HoldIdDto {
  @ApiPropertyOptional({ description: 'units used, at most the units held; all of them when absent', example: 7 })
  @OptionalNotNull()
  @IsInt({ message: 'quantity must be an integer' })
  @Min(1, { message: 'quantity must be at least 1' })
  @Max(MAX_QUANTITY, { message: `quantity must be at most ${MAX_QUANTITY}` })
  quantity?: number;

  // Checked by parseCommitItems, the usage contract's CommitItems (see the controller).
  @ApiPropertyOptional({
    description:
      'for a hold of a multi-item usage (instead of quantity): units used per held meter, each at most those held; 1 to 20 items, each meter once; a held meter not named used none; every item in full when absent',
    example: [{ meter: 'llm-input-tokens', quantity: 812 }],
    type: 'array',
    items: { type: 'object', properties: { meter: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } } },
  })
  @Allow()
  items?: unknown;
}
