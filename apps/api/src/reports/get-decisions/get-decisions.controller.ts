import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { DecisionView } from '@tally/read-models';
import { Allow } from '../../auth/roles.decorator';
import { Answers, Operation } from '../../http/openapi/answers';
import { PAGE_LIMIT } from '../../http/page-limit';
import { NameParam } from '../../http/params';
import { DecisionsQueryDto } from './get-decisions.dto';
import { GetDecisionsQuery } from './get-decisions.query';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/accounts/:account/decisions')
export class GetDecisionsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('any')
  @Operation('listDecisions', 'Audit log of decisions, newest first; `before=<position>` gives the page after that entry')
  @Answers(200, 'Decisions, newest first, each with its position and its reversal if any', ['DecisionLogEntry'])
  decisions(@NameParam('account') account: string, @Query() query: DecisionsQueryDto): Promise<DecisionView[]> {
    return this.queries.execute(new GetDecisionsQuery(account, query.limit ?? PAGE_LIMIT.default, query.before ?? null));
  }
}
