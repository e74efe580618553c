import type { AccountEvent } from '@tally/events';
import { decide } from './account-decider';
import { fold, type Account } from './account-state';
import { answerOf } from './answers';
import type { DecideUsage, HoldUsage } from './commands';
import { commitHold, decideUsage, holdUsage, later, opened, quotaSet } from './testing/fixtures';

/** Decides `command` on the state after `history`: the events it appends and the state after them. */
function decided(history: AccountEvent[], command: DecideUsage | HoldUsage) {
  const state: Account = fold(history);
  const events = decide(command, state);
  return { events, after: fold([...history, ...events]), history: [...history, ...events] };
}

describe('answerOf: what a usage or a hold is answered with', () => {
  const history = [...opened(), quotaSet({ limit: 10 })];

  it('answers a new usage with the decision it made now', () => {
    const usage = decideUsage({ id: 'u1', quantity: 3 });
    const { events, after } = decided(history, usage);
    const answer = answerOf(usage, events, after);
    expect(answer).toEqual({ decision: events[0], repeat: false });
    expect(answer.decision.type).toBe('UsageAccepted');
  });

  it('answers a repeated usage with the original decision, made before', () => {
    const first = decided(history, decideUsage({ id: 'u1', quantity: 3 }));
    const again = decideUsage({ id: 'u1', quantity: 9 });
    const repeat = decided(first.history, again);
    expect(repeat.events).toEqual([]);
    expect(answerOf(again, repeat.events, repeat.after)).toEqual({ decision: first.events[0], repeat: true });
  });

  it('answers a usage repeating a hold id with the hold, and a hold repeating a usage id with the usage', () => {
    const held = decided(history, holdUsage({ id: 'h1', quantity: 2 }));
    const usage = decideUsage({ id: 'h1', quantity: 1 });
    const afterUsage = decided(held.history, usage);
    expect(answerOf(usage, afterUsage.events, afterUsage.after)).toEqual({ decision: held.events[0], repeat: true });

    const used = decided(history, decideUsage({ id: 'u2', quantity: 1 }));
    const hold = holdUsage({ id: 'u2', quantity: 1 });
    const afterHold = decided(used.history, hold);
    expect(answerOf(hold, afterHold.events, afterHold.after)).toEqual({ decision: used.events[0], repeat: true });
  });

  it('answers a repeated hold with the hold even once committed, before the usage its commit accepted', () => {
    const held = decided(history, holdUsage({ id: 'h2', quantity: 4 }));
    const committed = fold(held.history);
    const commitEvents = decide(commitHold('h2', 3, later(10)), committed);
    const afterCommit = [...held.history, ...commitEvents];
    const hold = holdUsage({ id: 'h2', quantity: 4 }, null, later(20));
    const repeat = decided(afterCommit, hold);
    const answer = answerOf(hold, repeat.events, repeat.after);
    expect(answer.repeat).toBe(true);
    expect(answer.decision.type).toBe('UsageHeld');
  });
});
