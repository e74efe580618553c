import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { fromHttpMessage, type MessageHeaders } from '@tally/messages';
import type { FastifyReply } from 'fastify';
import type { ApiKey } from '../../auth/api-keys';
import { Allow } from '../../auth/roles.decorator';
import { assertSourcesAllowed, CurrentKey } from '../../auth/source-binding';
import { Answers, Operation, RateLimited } from '../../http/openapi/answers';
import { validationProblem } from '../../http/problem';
import { HoldUsageCommand } from './hold-usage.command';
import { parseHoldRequest, type HoldView } from './hold-usage.dto';
import { CloudEventHeaders } from '../../http/cloudevent-headers';
import { answerStatus } from '../../http/decision-status';

@ApiTags('reservations')
@ApiBearerAuth()
@Controller('v1/reservations')
export class HoldUsageController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Allow('producer')
  @Operation('holdUsage', 'Hold units (and credits) for a usage whose size is known after the work: 201 held / 402 rejected')
  @Answers(201, 'Held until `expiresAt` (a duplicate id answers with the original decision)', 'Hold')
  @Answers(402, 'Rejected, with the reason', 'Decision')
  @RateLimited()
  async hold(
    @Body() body: unknown,
    @CloudEventHeaders() headers: MessageHeaders,
    @CurrentKey() key: ApiKey,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<HoldView> {
    const message = fromHttpMessage(headers, body);
    if (message.batch) throw validationProblem([{ field: '', reason: 'a reservation takes one event, not a batch' }]);
    const request = parseHoldRequest(message.event);
    assertSourcesAllowed(key, [request.usage.source]);
    const decision = await this.commands.execute(new HoldUsageCommand(request, key.id));
    answerStatus(response, decision, 201);
    return decision;
  }
}
