import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { DeliveryAttempt } from '@tally/runtime';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { PAGE_LIMIT } from '../../http/page-limit';
import { DeliveriesQueryDto } from './deliveries-query.dto';
import { ListDeliveriesQuery } from './list-deliveries.query';

/** An endpoint's delivery log (admin): every attempt, newest first. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class ListDeliveriesController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/deliveries')
  @Operation('listWebhookDeliveries', "The endpoint's delivery log: every attempt, newest first")
  @Answers(200, 'Attempts, newest first', ['WebhookAttempt'])
  @Fails(404, 'No active endpoint has this id')
  deliveries(@Param('id') id: string, @Query() query: DeliveriesQueryDto): Promise<DeliveryAttempt[]> {
    return this.queries.execute(new ListDeliveriesQuery(id, query.limit ?? PAGE_LIMIT.default));
  }
}
