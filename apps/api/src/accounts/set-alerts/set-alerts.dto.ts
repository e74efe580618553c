import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';

/** Body of PUT /v1/accounts/{account}/alerts. */
export class SetAlertsDto {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 20,
    description: 'a debit that takes the balance below this raises a credits.low alert; null = no credit alert',
  })
  @ValidateIf((_, value) => value !== null)
  @IsInt({ message: 'creditsBelow must be an integer or null' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  creditsBelow!: number | null;
}
