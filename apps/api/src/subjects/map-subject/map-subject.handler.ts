import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CatalogCache } from '../../catalog/catalog-cache';
import { Clock } from '../../runtime/clock';
import { MapSubjectCommand } from './map-subject.command';

@CommandHandler(MapSubjectCommand)
export class MapSubjectHandler implements ICommandHandler<MapSubjectCommand> {
  constructor(
    private readonly catalog: CatalogCache,
    private readonly clock: Clock,
  ) {}

  async execute({ subject, account }: MapSubjectCommand): Promise<{ subject: string; account: string }> {
    await this.catalog.mapSubject(subject, account, this.clock.now());
    return { subject, account };
  }
}
