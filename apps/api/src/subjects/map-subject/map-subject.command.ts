import { Command } from '@nestjs/cqrs';

/** Make a subject's usage count against another account (an organisation pooling its members). */
export class MapSubjectCommand extends Command<{ subject: string; account: string }> {
  constructor(
    readonly subject: string,
    readonly account: string,
  ) {
    super();
  }
}
