import { ApiProperty } from '@nestjs/swagger';
import { NAME_PATTERN, NAME_RULE } from '@tally/events';
import { IsDefined, IsString, Matches, ValidateIf } from 'class-validator';

/** Body of PUT /v1/accounts/{account}. */
export class SetParentDto {
  @ApiProperty({ type: 'string', nullable: true, example: 'acme', description: 'the parent account; null detaches the account' })
  @IsDefined({ message: 'parent is required (null detaches the account)' })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(NAME_PATTERN, { message: `parent ${NAME_RULE}` })
  parent!: string | null;
}
