import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';
import { MAX_UNITS, QuotaFieldsDto } from '../quota-fields.dto';

/** Body of PUT /v1/accounts/{account}/quotas/{meter}. */
export class SetQuotaDto extends QuotaFieldsDto {
  @ApiProperty({ type: 'integer', nullable: true, example: 1000, description: 'null = unlimited, 0 = meter disabled' })
  @ValidateIf((_, value) => value !== null)
  @IsInt({ message: 'limit must be an integer or null' })
  @Min(0)
  @Max(MAX_UNITS)
  limit!: number | null;
}
