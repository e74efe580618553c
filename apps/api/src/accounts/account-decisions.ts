import { decide, decisionFor, DomainError, evolve, holdFor, recall, type Account, type AccountCommand } from '@tally/domain';
import { deserialize, type AccountEvent } from '@tally/events';
import type { ClaimKey, EventStore, RecordedEvent } from '@tally/eventstore';

/** What one command came to: the events it appended (maybe none) and the state after it. */
export type Outcome = { ok: true; events: AccountEvent[]; state: Account } | { ok: false; error: DomainError };

/** Decides one command on `state`: its events and the state after them, or the domain's refusal. */
export function decideOne(command: AccountCommand, state: Account): Outcome {
  try {
    const events = decide(command, state);
    return { ok: true, events, state: events.reduce(evolve, state) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

/**
 * The state with what the store's claims index holds for the ids of `commands` that the
 * account's bounded memory forgot: always for a reversal, commit or release (they act on an
 * earlier decision); for a usage or hold only when `repeats` (a claim of the batch was taken,
 * so one of its ids was decided before) or for a dry run, which has no append to find out with.
 */
export async function recallClaimed(
  store: EventStore,
  state: Account,
  commands: AccountCommand[],
  repeats: boolean,
  now: string,
): Promise<Account> {
  let recalled = state;
  for (const [account, ofAccount] of claimKeysOf(state, commands, repeats)) {
    recalled = recallRead(recalled, await store.readClaimed(account, [...ofAccount.values()], now));
  }
  return recalled;
}

/**
 * The (source, id) keys of `commands` that {@link recallClaimed} reads from the claims index on
 * `state`, by account (a tree's aggregate decides for each of its members, whose claims are their
 * own): those the state's memory does not hold.
 */
export function claimKeysOf(state: Account, commands: AccountCommand[], repeats: boolean): Map<string, Map<string, ClaimKey>> {
  const keys = new Map<string, Map<string, ClaimKey>>();
  for (const command of commands) {
    const key = idOf(command, repeats);
    if (key && !decisionFor(state, key.source, key.id) && !holdFor(state, key.source, key.id)) {
      const ofAccount = keys.get(command.account) ?? new Map<string, ClaimKey>();
      keys.set(command.account, ofAccount.set(`${key.source}\u0000${key.id}`, key));
    }
  }
  return keys;
}

/** The state with the events read from the claims index recalled. */
export function recallRead(state: Account, claimed: RecordedEvent[]): Account {
  return claimed.length === 0
    ? state
    : recall(
        state,
        claimed.map((e) => deserialize(e) as AccountEvent),
      );
}

/** The (source, id) a command acts on, when what was decided under it matters to deciding it. */
function idOf(command: AccountCommand, repeats: boolean): { source: string; id: string } | null {
  switch (command.type) {
    case 'ReverseUsage':
    case 'CommitHold':
    case 'ReleaseHold':
      return { source: command.source, id: command.id };
    case 'DecideUsage':
    case 'HoldUsage':
      return repeats ? { source: command.usage.source, id: command.usage.id } : null;
    default:
      return null;
  }
}
