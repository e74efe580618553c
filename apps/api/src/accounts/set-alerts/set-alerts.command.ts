import { Command } from '@nestjs/cqrs';

/** The account's alert settings as stored. */
export interface CreditAlert {
  account: string;
  creditsBelow: number | null;
}

/** Set (or clear) the account's credit alert threshold. */
export class SetAlertsCommand extends Command<CreditAlert> {
  constructor(
    readonly account: string,
    readonly creditsBelow: number | null,
  ) {
    super();
  }
}
