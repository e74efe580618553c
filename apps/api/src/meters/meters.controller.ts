import { Body, Controller, Get, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { withDefaultTerms, type MeterDefinition } from '@tally/events';
import type { MeterView } from '@tally/read-models';
import { Allow } from '../auth/roles.decorator';
import { Answers, Operation } from '../http/openapi/answers';
import { NameParam } from '../http/params';
import { DefineMeterDto } from './meter.dto';
import { DefineMeterCommand, ListMetersQuery } from './meters.commands';

@ApiTags('meters')
@ApiBearerAuth()
@Controller('v1/meters')
export class MetersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':meter')
  @Operation('defineMeter', 'Define a meter: its credit price and default quota')
  @Answers(200, 'The definition', 'Meter')
  define(@NameParam('meter') meter: string, @Body() body: DefineMeterDto): Promise<MeterDefinition> {
    return this.commands.execute(
      new DefineMeterCommand({
        meter,
        description: body.description ?? null,
        creditsPerUnit: body.creditsPerUnit ?? null,
        defaultQuota: body.defaultQuota ? withDefaultTerms(body.defaultQuota) : null,
      }),
    );
  }

  @Get()
  @Allow('any')
  @Operation('listMeters', 'All meters')
  @Answers(200, 'Every meter, by name', ['Meter'])
  list(): Promise<MeterView[]> {
    return this.queries.execute(new ListMetersQuery());
  }
}
