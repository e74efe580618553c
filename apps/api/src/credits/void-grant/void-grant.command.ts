import { Command } from '@nestjs/cqrs';
import type { GrantView } from '@tally/domain';

/** Void a grant: what is left of it leaves the balance now. */
export class VoidGrantCommand extends Command<GrantView> {
  constructor(
    readonly account: string,
    readonly grantId: string,
    readonly reason: string | null,
  ) {
    super();
  }
}
