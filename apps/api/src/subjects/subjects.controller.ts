import { Body, Controller, Put } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { NAME_PATTERN, NAME_RULE } from '@tally/events';
import { IsString, Matches } from 'class-validator';
import { Catalog } from '../catalog/catalog';
import { Answers, Operation } from '../http/openapi/answers';
import { NameParam } from '../http/params';
import { Clock } from '../runtime/clock';

/** Body of PUT /v1/subjects/{subject}. */
export class MapSubjectDto {
  @ApiProperty({ example: 'acme-org' })
  @IsString()
  @Matches(NAME_PATTERN, { message: `account ${NAME_RULE}` })
  account!: string;
}

/** Make a subject's usage count against another account (an organisation pooling its members). */
export class MapSubjectCommand extends Command<{ subject: string; account: string }> {
  constructor(
    readonly subject: string,
    readonly account: string,
  ) {
    super();
  }
}

@CommandHandler(MapSubjectCommand)
export class MapSubjectHandler implements ICommandHandler<MapSubjectCommand> {
  constructor(
    private readonly catalog: Catalog,
    private readonly clock: Clock,
  ) {}

  async execute({ subject, account }: MapSubjectCommand): Promise<{ subject: string; account: string }> {
    await this.catalog.mapSubject(subject, account, this.clock.now());
    return { subject, account };
  }
}

@ApiTags('subjects')
@ApiBearerAuth()
@Controller('v1/subjects')
export class SubjectsController {
  constructor(private readonly commands: CommandBus) {}

  @Put(':subject')
  @Operation('mapSubject', 'Map a subject to the account that pays for it')
  @Answers(200, 'The mapping', 'SubjectMapping')
  map(@NameParam('subject') subject: string, @Body() body: MapSubjectDto): Promise<{ subject: string; account: string }> {
    return this.commands.execute(new MapSubjectCommand(subject, body.account));
  }
}
