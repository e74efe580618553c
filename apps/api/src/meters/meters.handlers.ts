import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { MeterDefinition } from '@tally/events';
import { ReadModels, type MeterView } from '@tally/read-models';
import { Catalog } from '../catalog/catalog';
import { Clock } from '../runtime/clock';
import { DefineMeterCommand, ListMetersQuery } from './meters.commands';

@CommandHandler(DefineMeterCommand)
export class DefineMeterHandler implements ICommandHandler<DefineMeterCommand> {
  constructor(
    private readonly catalog: Catalog,
    private readonly clock: Clock,
  ) {}

  async execute({ definition }: DefineMeterCommand): Promise<MeterDefinition> {
    await this.catalog.defineMeter(definition, this.clock.now());
    return definition;
  }
}

@QueryHandler(ListMetersQuery)
export class ListMetersHandler implements IQueryHandler<ListMetersQuery> {
  constructor(private readonly readModels: ReadModels) {}

  execute(): Promise<MeterView[]> {
    return this.readModels.meters();
  }
}
