import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type UsageRequest } from '@tally/events';
import { fromHttpMessage, parseUsageMessage, type DecisionMessage, type FieldError, type MessageHeaders } from '@tally/messages';
import type { Response } from 'express';
import type { ApiKey } from '../auth/api-keys';
import { Allow } from '../auth/roles.decorator';
import { assertSourcesAllowed, CurrentKey } from '../auth/source-binding';
import { validationProblem } from '../http/problem';
import { CheckUsageQuery, type UsageCheck } from './check-usage/check-usage.query';
import { RequestUsageCommand } from './request-usage/request-usage.command';
import { ReverseUsageCommand, type ReversalView } from './reverse-usage/reverse-usage.command';
import { Answers, Fails, Operation } from '../http/openapi/answers';
import { ref } from '../http/openapi/schemas';
import { ReversalDto } from './usage.dto';

/** Largest batch POST /v1/usage takes. */
export const MAX_USAGE_BATCH = 1000;

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1/usage')
export class UsageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Allow('producer')
  @Operation('recordUsage', 'Decide usage now: one CloudEvent (200 accepted / 402 rejected) or a batch of up to 1000')
  @ApiResponse({
    status: 200,
    description: 'Accepted (one event), or every decision of a batch, in order',
    schema: { oneOf: [ref('Decision'), ref('DecisionBatch')] },
  })
  @Answers(402, 'Rejected, with the reason', 'Decision')
  async record(
    @Body() body: unknown,
    @Headers() headers: MessageHeaders,
    @CurrentKey() key: ApiKey,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DecisionMessage | { results: DecisionMessage[] }> {
    const message = fromHttpMessage(headers, body);
    if (message.batch) {
      const requests = parseBatch(message.events);
      assertSourcesAllowed(
        key,
        requests.map((r) => r.source),
      );
      const results = await this.commands.execute(new RequestUsageCommand(requests, 'http', key.id));
      response.status(200);
      return { results };
    }
    const request = parseOne(message.event);
    assertSourcesAllowed(key, [request.source]);
    const [decision] = await this.commands.execute(new RequestUsageCommand([request], 'http', key.id));
    response.status(decision.decision === 'accepted' ? 200 : 402);
    return decision;
  }

  @Post('check')
  @HttpCode(200)
  @Allow('producer')
  @Operation('checkUsage', 'Dry run: would this usage be accepted now? Changes nothing')
  @Answers(200, 'What deciding it now would do', 'UsageCheck')
  check(@Body() body: unknown, @Headers() headers: MessageHeaders, @CurrentKey() key: ApiKey): Promise<UsageCheck> {
    const message = fromHttpMessage(headers, body);
    if (message.batch) throw validationProblem([{ field: '', reason: 'a check takes one event, not a batch' }]);
    const request = parseOne(message.event);
    assertSourcesAllowed(key, [request.source]);
    return this.queries.execute(new CheckUsageQuery(request));
  }

  @Post('reversals')
  @HttpCode(200)
  @Operation('reverseUsage', 'Reverse an accepted usage by source + id (a second reversal is a no-op)')
  @Answers(200, 'The reversal (the same one the second time)', 'Reversal')
  @Fails(404, 'No decision for this source + id')
  @Fails(409, 'The usage was rejected, or is older than 35 days')
  reverse(@Body() body: ReversalDto, @CurrentKey() key: ApiKey): Promise<ReversalView> {
    assertSourcesAllowed(key, [body.source]);
    return this.commands.execute(new ReverseUsageCommand(body.source, body.id, body.reason ?? null));
  }
}

function parseOne(body: unknown): UsageRequest {
  const parsed = parseUsageMessage(body);
  if (!parsed.ok) throw validationProblem(parsed.errors);
  return parsed.value;
}

// A batch is all or nothing: one bad event rejects the whole request, so nothing is half-written.
function parseBatch(body: unknown): UsageRequest[] {
  if (!Array.isArray(body)) throw validationProblem([{ field: '', reason: 'a batch is a JSON array of events' }]);
  if (body.length === 0 || body.length > MAX_USAGE_BATCH) {
    throw validationProblem([{ field: '', reason: `a batch holds 1 to ${MAX_USAGE_BATCH} events, got ${body.length}` }]);
  }
  const errors: FieldError[] = [];
  const requests = body.flatMap((item, i) => {
    const parsed = parseUsageMessage(item, `[${i}]`);
    if (parsed.ok) return [parsed.value];
    errors.push(...parsed.errors);
    return [];
  });
  if (errors.length) throw validationProblem(errors);
  return requests;
}
