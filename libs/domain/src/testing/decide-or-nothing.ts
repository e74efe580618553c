import type { AccountEvent } from '@tally/events';
import { decide } from '../account-decider';
import type { Account } from '../account-state';
import type { AccountCommand } from '../commands';
import { DomainError } from '../errors';

/** What a command decides, or nothing when the domain refuses it (404, 409): how a run of commands goes on. */
export function decideOrNothing(command: AccountCommand, state: Account): AccountEvent[] {
  try {
    return decide(command, state);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return [];
  }
}
