import { Command } from '@nestjs/cqrs';
import type { MeterDefinition } from '@tally/events';

/** Define or redefine a meter. */
export class DefineMeterCommand extends Command<MeterDefinition> {
  constructor(readonly definition: MeterDefinition) {
    super();
  }
}
