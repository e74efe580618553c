import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { PageLimit } from '../../http/page-limit';

// Positions are zero-padded numbers (SQL: transaction:position; EventStoreDB: commit:prepare).
const POSITION_PATTERN = /^\d{20}(:\d{20}){0,3}$/;

/** Query of GET /v1/accounts/{account}/decisions. */
export class DecisionsQueryDto {
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'the position of the last entry of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(POSITION_PATTERN, { message: 'before must be the position of a decision from an earlier page' })
  before?: string;
}
