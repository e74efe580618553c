import { Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { eventFromHttp } from '@tally/messages';
import type { FastifyReply } from 'fastify';
import { Allow } from '../../auth/roles.decorator';
import { assertSourcesAllowed } from '../../auth/source-binding';
import { Answers, Operation, RateLimited } from '../../http/openapi/answers';
import { HoldUsageCommand } from './hold-usage.command';
import { parseHoldRequest, type HoldView } from './hold-usage.dto';
import { UsageRequest } from '../../http/usage-body';
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
    @UsageRequest('a reservation') { body, headers, key }: UsageRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<HoldView> {
    const request = parseHoldRequest(eventFromHttp(headers, body));
    assertSourcesAllowed(key, [request.usage.source]);
    const decision = await this.commands.execute(new HoldUsageCommand(request, key.id));
    answerStatus(response, decision, 201);
    return decision;
  }
}
