import type { AccountEvent } from '@tally/events';
import { decide } from '../account-decider';
import { fold, type Account } from '../account-state';
import type { AccountCommand } from '../commands';
import { DomainError } from '../errors';

/**
 * given(history).when(command).then(expected events) — the shape every domain
 * specification takes. `then` compares the decided events with `expected` partially, so a
 * test names only the fields it is about.
 */
export function given(history: AccountEvent[]) {
  const state: Account = fold(history);
  return {
    when(command: AccountCommand) {
      const decided = () => decide(command, state);
      return {
        then(expected: Array<{ type: AccountEvent['type']; data?: object }>) {
          const events = decided();
          expect(events).toHaveLength(expected.length);
          expected.forEach((e, i) => expect(events[i]).toMatchObject(e));
          return events;
        },
        thenNothing() {
          expect(decided()).toEqual([]);
        },
        thenFails(code: DomainError['code']) {
          expect(decided).toThrow(expect.objectContaining({ code }));
        },
      };
    },
  };
}
