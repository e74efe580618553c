import { Command, Query } from '@nestjs/cqrs';
import type { QuotaStatus } from '@tally/read-models';
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

/** Quotas of an account with usage in the current period (or the period of `asOf`, as known then); one meter if named. */
export class GetQuotasQuery extends Query<QuotaStatus[]> {
  constructor(
    readonly account: string,
    readonly meter?: string,
    readonly asOf: string | null = null,
  ) {
    super();
  }
}
