import { Body, Controller, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Answers, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { MapSubjectCommand } from './map-subject.command';
import { MapSubjectDto } from './map-subject.dto';

@ApiTags('subjects')
@ApiBearerAuth()
@Controller('v1/subjects')
export class MapSubjectController {
  constructor(private readonly commands: CommandBus) {}

  @Put(':subject')
  @Operation('mapSubject', 'Map a subject to the account that pays for it')
  @Answers(200, 'The mapping', 'SubjectMapping')
  map(@NameParam('subject') subject: string, @Body() body: MapSubjectDto): Promise<{ subject: string; account: string }> {
    return this.commands.execute(new MapSubjectCommand(subject, body.account));
  }
}
