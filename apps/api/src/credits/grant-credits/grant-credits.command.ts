import { Command } from '@nestjs/cqrs';
import type { GrantView } from '@tally/domain';

/** What a grant answers: the grant (the one already held, for a repeated id) and the live balance. */
export interface GrantAnswer {
  grant: GrantView;
  balance: number;
}

/** The terms of a grant; absent ones take their defaults. */
export interface GrantTerms {
  amount: number;
  reason: string | null;
  grantId: string | null;
  priority?: number;
  effectiveAt?: string;
  expiresAt?: string | null;
}

/** Grant credits to an account; with an id, granted once. */
export class GrantCreditsCommand extends Command<GrantAnswer> {
  constructor(
    readonly account: string,
    readonly terms: GrantTerms,
  ) {
    super();
  }
}
