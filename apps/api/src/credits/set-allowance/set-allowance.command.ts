import { Command } from '@nestjs/cqrs';
import type { AllowancePer } from '@tally/events';

/** The allowance as the route answers it. */
export interface AllowanceView {
  amount: number;
  per: AllowancePer;
  priority: number;
}

/** Set the account's allowance (re-issued every period; the current one at once). */
export class SetAllowanceCommand extends Command<AllowanceView> {
  constructor(
    readonly account: string,
    readonly allowance: AllowanceView,
  ) {
    super();
  }
}

/** Stop the account's allowance. */
export class RemoveAllowanceCommand extends Command<void> {
  constructor(readonly account: string) {
    super();
  }
}
