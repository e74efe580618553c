import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_UNITS, QuotaFieldsDto } from '../quota-fields.dto';

/** Body of PATCH /v1/accounts/{account}/quotas/{meter}: any subset. */
export class ChangeQuotaDto extends QuotaFieldsDto {
  @ApiPropertyOptional({ type: 'integer', nullable: true })
  @IsOptional()
  @IsInt({ message: 'limit must be an integer or null' })
  @Min(0)
  @Max(MAX_UNITS)
  limit?: number | null;
}
