import type { AccountEvent } from '@tally/events';
import { evolve, fold, type Account } from '../account-state';
import type { AccountCommand } from '../commands';
import { decideOrNothing } from './decide-or-nothing';
import { NOW } from './fixtures';

/** A command without its time, and the seconds the clock moves on before it: the run's clock gives it one. */
export type Step = { advance: number; command: (now: string) => AccountCommand };

/** One step of a run as it was decided: its command, at its instant, what it decided, and the states around it. */
export interface DecidedStep {
  command: AccountCommand;
  now: string;
  /** Nothing when the domain refused the command. */
  events: AccountEvent[];
  before: Account;
  after: Account;
}

/**
 * Decides `steps` in order on `history`, on a clock that starts at {@link NOW} and only moves
 * forward; a refused command decides nothing and the run goes on. `each` is told of every step.
 * Returns the state at the end and the last instant.
 */
export function runSteps(
  history: AccountEvent[],
  steps: Step[],
  each: (step: DecidedStep) => void = () => undefined,
): { state: Account; now: string } {
  let state = fold(history);
  let now = NOW;
  for (const step of steps) {
    now = new Date(Date.parse(now) + step.advance * 1000).toISOString();
    const command = step.command(now);
    const events = decideOrNothing(command, state);
    const before = state;
    state = events.reduce(evolve, state);
    each({ command, now, events, before, after: state });
  }
  return { state, now };
}
