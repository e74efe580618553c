import { Command } from '@nestjs/cqrs';
import type { HoldRequest, HoldView } from './hold-usage.dto';

/** Hold units for a usage whose size is known after the work; resolves once the decision is durable. */
export class HoldUsageCommand extends Command<HoldView> {
  /** @param reportedBy the API key's id, recorded with the decision. */
  constructor(
    readonly request: HoldRequest,
    readonly reportedBy: string,
  ) {
    super();
  }
}
