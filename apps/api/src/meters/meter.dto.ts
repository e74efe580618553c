import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { SetQuotaDto } from '../quotas/quota.dto';

/** Body of PUT /v1/meters/{meter}. */
export class DefineMeterDto {
  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'Forward geocoding lookups' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string | null;

  @ApiPropertyOptional({ type: 'integer', example: 2, nullable: true, description: 'credits one unit costs' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  creditsPerUnit?: number | null;

  @ApiPropertyOptional({ type: SetQuotaDto, nullable: true, description: 'quota of every account without its own' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SetQuotaDto)
  defaultQuota?: SetQuotaDto | null;
}
