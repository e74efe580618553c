import { Command, Query } from '@nestjs/cqrs';
import type { MeterDefinition } from '@tally/events';
import type { MeterView } from '@tally/read-models';

/** Define or redefine a meter. */
export class DefineMeterCommand extends Command<MeterDefinition> {
  constructor(readonly definition: MeterDefinition) {
    super();
  }
}

export class ListMetersQuery extends Query<MeterView[]> {}
