import { Body, Controller, Header, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CreatedWebhookEndpoint } from '@tally/runtime';
import { Answers, Operation } from '../../http/openapi/answers';
import { CreateWebhookCommand } from './create-webhook.command';
import { CreateWebhookDto } from './create-webhook.dto';

/** Registers an endpoint (admin) that receives alerts signed per Standard Webhooks. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class CreateWebhookController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  // The answer carries the signing secret, once: no cache may keep it.
  @Header('Cache-Control', 'no-store')
  @Operation('createWebhook', 'Register an endpoint for alerts; the signing secret is shown once')
  @Answers(201, 'The endpoint and its whsec_ secret (shown this once)', 'CreatedWebhookEndpoint')
  create(@Body() body: CreateWebhookDto): Promise<CreatedWebhookEndpoint> {
    return this.commands.execute(new CreateWebhookCommand(body.url, body.description ?? null));
  }
}
