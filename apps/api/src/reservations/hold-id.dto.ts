import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '@tally/messages';

/** A hold named as its usage is: by source + id (the body of a release, and the start of a commit's). */
export class HoldIdDto {
  @ApiProperty({ example: 'geocoder' })
  @IsText(1, 256)
  source!: string;

  @ApiProperty({ example: 'job-42' })
  @IsText(1, 256)
  id!: string;
}
