import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { MeterView } from '@tally/read-models';
import { Allow } from '../../auth/roles.decorator';
import { Answers, Operation } from '../../http/openapi/answers';
import { ListMetersQuery } from './list-meters.query';

@ApiTags('meters')
@ApiBearerAuth()
@Controller('v1/meters')
export class ListMetersController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('any')
  @Operation('listMeters', 'All meters')
  @Answers(200, 'Every meter, by name', ['Meter'])
  list(): Promise<MeterView[]> {
    return this.queries.execute(new ListMetersQuery());
  }
}
