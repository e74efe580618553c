import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsText } from '@tally/messages';
import { IsOptional } from 'class-validator';

/** Body of POST /v1/accounts/{account}/credits/grants/{grant}/void (may be `{}`). */
export class VoidGrantDto {
  @ApiPropertyOptional({ example: 'granted by mistake' })
  @IsOptional()
  @IsText(0, 500)
  reason?: string;
}
