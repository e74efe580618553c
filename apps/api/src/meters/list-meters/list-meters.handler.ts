import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type MeterView } from '@tally/read-models';
import { ListMetersQuery } from './list-meters.query';

@QueryHandler(ListMetersQuery)
export class ListMetersHandler implements IQueryHandler<ListMetersQuery> {
  constructor(private readonly readModels: ReadModels) {}

  execute(): Promise<MeterView[]> {
    return this.readModels.meters();
  }
}
