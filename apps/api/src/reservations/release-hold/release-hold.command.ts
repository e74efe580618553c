import { Command } from '@nestjs/cqrs';
import type { ReleasedView } from './release-hold.dto';

/** Release a hold by source + id: every unit and credit it held is free again. */
export class ReleaseHoldCommand extends Command<ReleasedView> {
  constructor(
    readonly source: string,
    readonly id: string,
  ) {
    super();
  }
}
