import { Command } from '@nestjs/cqrs';
import type { QuotaTerms } from '@tally/events';

/** Set an account's quota for a meter (PUT). */
export class SetQuotaCommand extends Command<QuotaTerms> {
  constructor(
    readonly account: string,
    readonly meter: string,
    readonly quota: QuotaTerms,
  ) {
    super();
  }
}
