import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { fromHttpMessage, type MessageHeaders } from '@tally/messages';
import type { ApiKey } from '../../auth/api-keys';
import { Allow } from '../../auth/roles.decorator';
import { assertSourcesAllowed, CurrentKey } from '../../auth/source-binding';
import { Answers, Operation } from '../../http/openapi/answers';
import { validationProblem } from '../../http/problem';
import { parseOne } from '../record-usage/record-usage.controller';
import { CheckUsageQuery, type UsageCheck } from './check-usage.query';
import { CloudEventHeaders } from '../../http/cloudevent-headers';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1/usage')
export class CheckUsageController {
  constructor(private readonly queries: QueryBus) {}

  @Post('check')
  @HttpCode(200)
  @Allow('producer')
  @Operation('checkUsage', 'Dry run: would this usage be accepted now? Changes nothing')
  @Answers(200, 'What deciding it now would do', 'UsageCheck')
  check(@Body() body: unknown, @CloudEventHeaders() headers: MessageHeaders, @CurrentKey() key: ApiKey): Promise<UsageCheck> {
    const message = fromHttpMessage(headers, body);
    if (message.batch) throw validationProblem([{ field: '', reason: 'a check takes one event, not a batch' }]);
    const request = parseOne(message.event);
    assertSourcesAllowed(key, [request.source]);
    return this.queries.execute(new CheckUsageQuery(request));
  }
}
