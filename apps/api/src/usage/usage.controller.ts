import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseUsageMessage, type DecisionMessage, type FieldError, type UsageRequest } from '@tally/events';
import type { Response } from 'express';
import type { ApiKey } from '../auth/api-keys';
import { Allow } from '../auth/roles.decorator';
import { assertSourcesAllowed, CurrentKey } from '../auth/source-binding';
import { validationProblem } from '../http/problem';
import { CheckUsageQuery, type UsageCheck } from './check-usage/check-usage.query';
import { RequestUsageCommand } from './request-usage/request-usage.command';
import { ReverseUsageCommand, type ReversalView } from './reverse-usage/reverse-usage.command';
import { ReversalDto, UsageEventDoc } from './usage.dto';

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
  @ApiOperation({ summary: 'Decide usage now: one CloudEvent (200 accepted / 402 rejected) or an array of up to 1000' })
  @ApiBody({ type: UsageEventDoc })
  async record(
    @Body() body: unknown,
    @CurrentKey() key: ApiKey,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DecisionMessage | { results: DecisionMessage[] }> {
    if (Array.isArray(body)) {
      const requests = parseBatch(body);
      assertSourcesAllowed(
        key,
        requests.map((r) => r.source),
      );
      const results = await this.commands.execute(new RequestUsageCommand(requests, 'http', key.id));
      response.status(200);
      return { results };
    }
    const request = parseOne(body);
    assertSourcesAllowed(key, [request.source]);
    const [decision] = await this.commands.execute(new RequestUsageCommand([request], 'http', key.id));
    response.status(decision.decision === 'accepted' ? 200 : 402);
    return decision;
  }

  @Post('check')
  @HttpCode(200)
  @Allow('producer')
  @ApiOperation({ summary: 'Dry run: would this usage be accepted now? Changes nothing' })
  @ApiBody({ type: UsageEventDoc })
  check(@Body() body: unknown, @CurrentKey() key: ApiKey): Promise<UsageCheck> {
    const request = parseOne(body);
    assertSourcesAllowed(key, [request.source]);
    return this.queries.execute(new CheckUsageQuery(request));
  }

  @Post('reversals')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reverse an accepted usage by source + id (a second reversal is a no-op)' })
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
function parseBatch(body: unknown[]): UsageRequest[] {
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
