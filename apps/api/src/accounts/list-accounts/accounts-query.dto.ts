import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { NAME_PATTERN, NAME_RULE } from '@tally/events';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** Query of GET /v1/accounts: a cursor (the last account of the previous page) and a page size. */
export class AccountsQueryDto {
  @ApiPropertyOptional({ description: 'the last account of the previous page', example: 'acme' })
  @IsOptional()
  @IsString()
  @Matches(NAME_PATTERN, { message: `after ${NAME_RULE}` })
  after?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(1000)
  limit?: number;
}
