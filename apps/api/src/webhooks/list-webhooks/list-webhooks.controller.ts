import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { WebhookEndpoint } from '@tally/runtime';
import { Answers, Operation } from '../../http/openapi/answers';
import { ListWebhooksQuery } from './list-webhooks.query';

/** Lists the active webhook endpoints (admin). */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class ListWebhooksController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Operation('listWebhooks', 'Active endpoints, oldest first (never their secrets)')
  @Answers(200, 'The active endpoints', ['WebhookEndpoint'])
  list(): Promise<WebhookEndpoint[]> {
    return this.queries.execute(new ListWebhooksQuery());
  }
}
