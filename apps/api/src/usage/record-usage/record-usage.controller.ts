import { Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type UsageMessage } from '@tally/events';
import { fromHttpMessage, parseUsageBatch, parseUsageMessage, type DecisionMessage } from '@tally/messages';
import type { FastifyReply } from 'fastify';
import { Allow } from '../../auth/roles.decorator';
import { assertSourcesAllowed } from '../../auth/source-binding';
import { validationProblem } from '../../http/problem';
import { RecordUsageCommand } from './record-usage.command';
import { Answers, Operation, RateLimited } from '../../http/openapi/answers';
import { ref } from '../../http/openapi/schemas';
import { UsageRequest } from '../../http/usage-body';
import { answerStatus } from '../../http/decision-status';

/** Largest batch POST /v1/usage takes. */
export { MAX_USAGE_BATCH } from '@tally/messages';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1/usage')
export class RecordUsageController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Allow('producer')
  @Operation('recordUsage', 'Decide usage now: one CloudEvent (200 accepted / 402 rejected) or a batch of up to 1000')
  @ApiResponse({
    status: 200,
    description: 'Accepted (one event), or every decision of a batch, in order',
    schema: { oneOf: [ref('Decision'), ref('DecisionBatch')] },
  })
  @Answers(402, 'Rejected, with the reason', 'Decision')
  @RateLimited()
  async record(
    @UsageRequest() { body, headers, key }: UsageRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<DecisionMessage | { results: DecisionMessage[] }> {
    const message = fromHttpMessage(headers, body);
    if (message.batch) {
      const requests = parseBatch(message.events);
      assertSourcesAllowed(
        key,
        requests.map((r) => r.source),
      );
      const results = await this.commands.execute(new RecordUsageCommand(requests, 'http', key.id));
      response.status(200);
      return { results };
    }
    const request = parseOne(message.event);
    assertSourcesAllowed(key, [request.source]);
    const [decision] = await this.commands.execute(new RecordUsageCommand([request], 'http', key.id));
    answerStatus(response, decision, 200);
    return decision;
  }
}

/** One usage CloudEvent, validated; a 400 naming each bad field otherwise. */
export function parseOne(body: unknown): UsageMessage {
  const parsed = parseUsageMessage(body);
  if (!parsed.ok) throw validationProblem(parsed.errors);
  return parsed.value;
}

// A batch is all or nothing: one bad event rejects the whole request, so nothing is half-written.
function parseBatch(body: unknown): UsageMessage[] {
  const parsed = parseUsageBatch(body);
  if (!parsed.ok) throw validationProblem(parsed.errors);
  return parsed.value;
}
