import { Command } from '@nestjs/cqrs';
import type { TreeView } from '@tally/domain';

/** Set (or with null, clear) an account's parent in an account tree. */
export class SetParentCommand extends Command<TreeView> {
  constructor(
    readonly account: string,
    readonly parent: string | null,
  ) {
    super();
  }
}
