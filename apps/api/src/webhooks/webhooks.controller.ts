import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CreatedWebhookEndpoint, DeliveryAttempt, WebhookEndpoint } from '@tally/runtime';
import { Answers, Fails, Operation } from '../http/openapi/answers';
import { PAGE_LIMIT } from '../http/page-limit';
import { CreateWebhookCommand } from './create-webhook/create-webhook.command';
import { CreateWebhookDto } from './create-webhook/create-webhook.dto';
import { DeleteWebhookCommand } from './delete-webhook/delete-webhook.command';
import { DeliveriesQueryDto } from './list-deliveries/deliveries-query.dto';
import { ListDeliveriesQuery } from './list-deliveries/list-deliveries.query';
import { ListWebhooksQuery } from './list-webhooks/list-webhooks.query';

/** The webhook routes (admin): endpoints that receive alerts signed per Standard Webhooks. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Operation('createWebhook', 'Register an endpoint for alerts; the signing secret is shown once')
  @Answers(201, 'The endpoint and its whsec_ secret (shown this once)', 'CreatedWebhookEndpoint')
  create(@Body() body: CreateWebhookDto): Promise<CreatedWebhookEndpoint> {
    return this.commands.execute(new CreateWebhookCommand(body.url, body.description ?? null));
  }

  @Get()
  @Operation('listWebhooks', 'Active endpoints, oldest first (never their secrets)')
  @Answers(200, 'The active endpoints', ['WebhookEndpoint'])
  list(): Promise<WebhookEndpoint[]> {
    return this.queries.execute(new ListWebhooksQuery());
  }

  @Delete(':id')
  @HttpCode(204)
  @Operation('deleteWebhook', 'Remove an endpoint: nothing more is delivered to it')
  @Answers(204, 'Removed')
  @Fails(404, 'No active endpoint has this id')
  async remove(@Param('id') id: string): Promise<void> {
    await this.commands.execute(new DeleteWebhookCommand(id));
  }

  @Get(':id/deliveries')
  @Operation('listWebhookDeliveries', "The endpoint's delivery log: every attempt, newest first")
  @Answers(200, 'Attempts, newest first', ['WebhookAttempt'])
  @Fails(404, 'No active endpoint has this id')
  deliveries(@Param('id') id: string, @Query() query: DeliveriesQueryDto): Promise<DeliveryAttempt[]> {
    return this.queries.execute(new ListDeliveriesQuery(id, query.limit ?? PAGE_LIMIT.default));
  }
}
