import { Controller, HttpCode, Post } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { eventFromHttp } from '@tally/messages';
import { Allow } from '../../auth/roles.decorator';
import { assertSourcesAllowed } from '../../auth/source-binding';
import { Answers, Operation } from '../../http/openapi/answers';
import { parseOne } from '../record-usage/record-usage.controller';
import { CheckUsageQuery, type UsageCheck } from './check-usage.query';
import { UsageRequest } from '../../http/usage-body';

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
  check(@UsageRequest('a check') { body, headers, key }: UsageRequest): Promise<UsageCheck> {
    const request = parseOne(eventFromHttp(headers, body));
    assertSourcesAllowed(key, [request.source]);
    return this.queries.execute(new CheckUsageQuery(request));
  }
}
