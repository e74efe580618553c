import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** Body of POST /v1/usage/reversals. */
export class ReversalDto {
  @ApiProperty({ example: 'geocoder' })
  @IsString()
  @Length(1, 256)
  source!: string;

  @ApiProperty({ example: 'u-123' })
  @IsString()
  @Length(1, 256)
  id!: string;

  @ApiPropertyOptional({ example: 'duplicate billing' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  reason?: string;
}
