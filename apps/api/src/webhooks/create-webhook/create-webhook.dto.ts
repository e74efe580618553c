import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsText } from '@tally/messages';
import { IsOptional, ValidateBy } from 'class-validator';

/**
 * Why `value` is not a webhook URL, or null when it is one: an absolute http or https URL, as
 * written (no surrounding spaces), without credentials (they would be listed back in clear).
 * Where its host may be (no metadata, link-local, loopback or private address unless the
 * operator allowed it) is the delivery rule's call: see the handler and `AddressRule`.
 */
export function webhookUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'url must be a string';
  if (value !== value.trim()) return 'url must not start or end with spaces';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'url must be an absolute http or https URL';
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    return 'url must be an absolute http or https URL';
  }
  if (url.username !== '' || url.password !== '') {
    return 'url must not carry credentials: the payload is signed, so receivers verify the signature instead';
  }
  return null;
}

/** Body of POST /v1/webhooks. */
export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/tally', description: 'an http or https URL, up to 2048 characters' })
  @IsText(1, 2048)
  @ValidateBy({
    name: 'isWebhookUrl',
    validator: {
      validate: (value) => webhookUrlProblem(value) === null,
      defaultMessage: (args) => webhookUrlProblem(args?.value) ?? 'url must be an absolute http or https URL',
    },
  })
  url!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'billing team' })
  @IsOptional()
  @IsText(0, 500)
  description?: string | null;
}
