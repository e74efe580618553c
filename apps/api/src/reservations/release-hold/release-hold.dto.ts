import { ApiProperty } from '@nestjs/swagger';
import type { HoldReleased } from '@tally/events';
import { IsText } from '@tally/messages';

/** Body of POST /v1/reservations/release. */
export class ReleaseHoldDto {
  @ApiProperty({ example: 'geocoder' })
  @IsText(1, 256)
  source!: string;

  @ApiProperty({ example: 'job-42' })
  @IsText(1, 256)
  id!: string;
}

/** A released hold as answered: what it held, and when it was released. */
export type ReleasedView = Omit<HoldReleased['data'], 'at' | 'committed'> & { releasedAt: string };
