import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsText } from '@tally/messages';
import { IsOptional, ValidateBy } from 'class-validator';

/** Whether `value` is an absolute http or https URL (loopback and private hosts allowed: receivers often sit beside Tally). */
export function isWebhookUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Body of POST /v1/webhooks. */
export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/tally', description: 'an http or https URL, up to 2048 characters' })
  @IsText(1, 2048)
  @ValidateBy({
    name: 'isWebhookUrl',
    validator: { validate: isWebhookUrl, defaultMessage: () => 'url must be an absolute http or https URL' },
  })
  url!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'billing team' })
  @IsOptional()
  @IsText(0, 500)
  description?: string | null;
}
