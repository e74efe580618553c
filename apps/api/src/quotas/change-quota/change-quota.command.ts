import { Command } from '@nestjs/cqrs';
import type { QuotaTerms } from '@tally/events';

/** Change some fields of an existing quota (PATCH). */
export class ChangeQuotaCommand extends Command<QuotaTerms> {
  constructor(
    readonly account: string,
    readonly meter: string,
    readonly patch: Partial<QuotaTerms>,
  ) {
    super();
  }
}
