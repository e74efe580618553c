import { ApiProperty } from '@nestjs/swagger';
import { NAME_PATTERN, NAME_RULE } from '@tally/events';
import { IsString, Matches } from 'class-validator';

/** Body of PUT /v1/subjects/{subject}. */
export class MapSubjectDto {
  @ApiProperty({ example: 'acme-org' })
  @IsString()
  @Matches(NAME_PATTERN, { message: `account ${NAME_RULE}` })
  account!: string;
}
