import { Command } from '@nestjs/cqrs';
import type { GrantCredits, GrantView } from '@tally/domain';

/** What a grant answers: the grant (the one already held, for a repeated id) and the live balance. */
export interface GrantAnswer {
  grant: GrantView;
  balance: number;
}

/** The terms of a grant, as the domain's command takes them; absent ones take their defaults. */
export type GrantTerms = Omit<GrantCredits, 'type' | 'account' | 'now'>;

/** Grant credits to an account; with an id, granted once. */
export class GrantCreditsCommand extends Command<GrantAnswer> {
  constructor(
    readonly account: string,
    readonly terms: GrantTerms,
  ) {
    super();
  }
}
