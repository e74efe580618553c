import { Command } from '@nestjs/cqrs';

/** A reversal as the API returns it. */
export interface ReversalView {
  account: string;
  source: string;
  id: string;
  subject: string;
  meter: string;
  quantity: number;
  month: string;
  creditsRefunded: number;
  reason: string | null;
  reversedAt: string;
}

/** Reverse an accepted usage by source + id; a second reversal returns the first. */
export class ReverseUsageCommand extends Command<ReversalView> {
  constructor(
    readonly source: string,
    readonly id: string,
    readonly reason: string | null,
  ) {
    super();
  }
}
