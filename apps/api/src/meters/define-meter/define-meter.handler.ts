import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { MeterDefinition } from '@tally/events';
import { CatalogCache } from '../../catalog/catalog-cache';
import { Clock } from '../../runtime/clock';
import { DefineMeterCommand } from './define-meter.command';

@CommandHandler(DefineMeterCommand)
export class DefineMeterHandler implements ICommandHandler<DefineMeterCommand> {
  constructor(
    private readonly catalog: CatalogCache,
    private readonly clock: Clock,
  ) {}

  async execute({ definition }: DefineMeterCommand): Promise<MeterDefinition> {
    await this.catalog.defineMeter(definition, this.clock.now());
    return definition;
  }
}
