import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsText } from '@tally/messages';
import { IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { SetQuotaDto } from '../../quotas/set-quota/set-quota.dto';

/** Body of PUT /v1/meters/{meter}. */
export class DefineMeterDto {
  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'Forward geocoding lookups' })
  @IsOptional()
  @IsText(0, 500)
  description?: string | null;

  @ApiPropertyOptional({ type: 'integer', example: 2, minimum: 1, nullable: true, description: 'credits one unit costs' })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'creditsPerUnit must be at least 1 (leave it out, or null, for a meter not paid with credits)' })
  @Max(1_000_000)
  creditsPerUnit?: number | null;

  @ApiPropertyOptional({ type: SetQuotaDto, nullable: true, description: 'quota of every account without its own' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SetQuotaDto)
  defaultQuota?: SetQuotaDto | null;
}
