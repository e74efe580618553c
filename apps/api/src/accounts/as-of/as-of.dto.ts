import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsTimestamp } from '@tally/messages';
import { IsOptional, IsString } from 'class-validator';
import { validationProblem } from '../../http/problem';

/** Query of the read routes that can answer as Tally knew it at an instant (`?asOf=`). */
export class AsOfQueryDto {
  @ApiPropertyOptional({
    description: 'an RFC 3339 instant with its offset: answer as Tally would have answered then',
    example: '2026-11-22T10:00:00Z',
  })
  @IsOptional()
  @IsString()
  @IsTimestamp({ message: 'asOf must be an RFC 3339 timestamp with an offset (Z or ±hh:mm) of a real date and time' })
  asOf?: string;
}

/** The instant `asOf` names, as an ISO string; refuses one after `now` (Tally cannot know the future yet). */
export function asOfInstant(asOf: string, now: string): string {
  const instant = new Date(Date.parse(asOf)).toISOString();
  if (Date.parse(instant) > Date.parse(now)) {
    throw validationProblem([{ field: 'asOf', reason: 'asOf must not be later than now' }]);
  }
  return instant;
}
