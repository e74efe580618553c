import { Controller, HttpCode, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { eventFromHttp, type MessageHeaders } from '@tally/messages';
import type { ApiKey } from '../../auth/api-keys';
import { Allow } from '../../auth/roles.decorator';
import { assertSourcesAllowed, CurrentKey } from '../../auth/source-binding';
import { Answers, Operation } from '../../http/openapi/answers';
import { parseOne } from '../record-usage/record-usage.controller';
import { CheckUsageQuery, type UsageCheck } from './check-usage.query';
import { CloudEventHeaders } from '../../http/cloudevent-headers';
import { UsageBody } from '../../http/usage-body';

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
  check(
    @UsageBody('a check') body: unknown,
    @CloudEventHeaders() headers: MessageHeaders,
    @CurrentKey() key: ApiKey,
  ): Promise<UsageCheck> {
    const request = parseOne(eventFromHttp(headers, body));
    assertSourcesAllowed(key, [request.source]);
    return this.queries.execute(new CheckUsageQuery(request));
  }
}
