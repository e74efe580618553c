import type { AccountEvent } from '@tally/events';
import { decide } from '../account-decider';
import { fold } from '../account-state';
import type { AccountCommand } from '../commands';

/** The history after deciding `commands` in order on top of `history`. */
export function decided(history: AccountEvent[], ...commands: AccountCommand[]): AccountEvent[] {
  return commands.reduce((events, command) => [...events, ...decide(command, fold(events))], history);
}
