import { Body, Controller, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { withDefaultTerms, type MeterDefinition } from '@tally/events';
import { Answers, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { DefineMeterCommand } from './define-meter.command';
import { DefineMeterDto } from './define-meter.dto';

@ApiTags('meters')
@ApiBearerAuth()
@Controller('v1/meters')
export class DefineMeterController {
  constructor(private readonly commands: CommandBus) {}

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
}
