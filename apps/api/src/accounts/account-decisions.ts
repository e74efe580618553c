import {
  decide,
  decideBooks,
  decisionFor,
  DomainError,
  evolve,
  holdFor,
  recall,
  type Account,
  type AccountCommand,
  type PeriodTransition,
} from '@tally/domain';
import type { AccountEvent } from '@tally/events';
import { EventRejectedError, retryOnConflict } from '@tally/eventstore';
import type { AccountRepository, LoadedAccount } from './account-repository';

/** What one command came to: the events it appended (maybe none) and the state after it. */
export type Outcome = { ok: true; events: AccountEvent[]; state: Account } | { ok: false; error: DomainError };

interface Pending {
  command: AccountCommand;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

export interface DecisionsOptions {
  /** Credits a new account opens with. */
  defaultCredits: number;
  /** Most commands decided and appended together. */
  maxBatch: number;
  retry: { attempts: number; baseDelayMs: number };
  onConflict?: () => void;
}

/**
 * Decides commands per account, one batch at a time: commands that arrive while a batch is
 * being appended wait and go into the next one, so a busy account costs one append per
 * batch instead of one per request, and this process never races itself. Other processes
 * are held off by the expected revision; a conflict re-runs the whole batch on fresh state.
 */
export class AccountDecisions {
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly repository: AccountRepository,
    private readonly options: DecisionsOptions,
  ) {}

  /** Decides `command` and, unless it is refused, appends its events durably before resolving. */
  execute(command: AccountCommand): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(command.account);
      if (queue) {
        queue.push({ command, resolve, reject });
        return;
      }
      this.queues.set(command.account, [{ command, resolve, reject }]);
      void this.drain(command.account);
    });
  }

  /** Decides several commands as one batch (the Kafka consumer's per-account batch). */
  executeAll(commands: AccountCommand[]): Promise<Outcome[]> {
    return Promise.all(commands.map((c) => this.execute(c)));
  }

  /** Decides without appending: the outcome a command would have now. Writes nothing, not even a move of the books. */
  async dryRun(command: AccountCommand): Promise<Outcome> {
    // Caught up with the store first: a dry run appends nothing, so no revision check would
    // reveal a decision another process made since this one cached the account.
    const loaded = await this.loadAt(command.account, command.now, { closeBooks: true, fresh: true, write: false });
    return decideOne(command, await this.recalling(loaded.state, command.account, [command], true, command.now));
  }

  /**
   * The account ready to decide on at `now`, the books moved as the domain decides: a new account
   * opens (appended with its first decision), a half-done move completes and, when `closeBooks`,
   * a past period closes. Without `write` (a dry run) the moves are folded in memory only.
   */
  private async loadAt(
    account: string,
    now: string,
    { closeBooks, fresh = false, write = true }: { closeBooks: boolean; fresh?: boolean; write?: boolean },
  ): Promise<LoadedAccount> {
    let loaded = await this.repository.load(account, now, fresh);
    const opening = decideBooks(
      { type: 'OpenAccount', account, registered: loaded.registered, defaultCredits: this.options.defaultCredits, now },
      loaded.state,
    );
    if (opening) return this.repository.withOpening(loaded, opening);
    const move = (transition: PeriodTransition) =>
      write ? this.repository.appendTransition(loaded, transition) : this.repository.withTransition(loaded, transition);
    const resumed = decideBooks({ type: 'OpenNextPeriod', account, now }, loaded.state);
    if (resumed) loaded = await move(resumed);
    const closed = closeBooks ? decideBooks({ type: 'ClosePeriod', account, now }, loaded.state) : null;
    return closed ? move(closed) : loaded;
  }

  private async drain(account: string): Promise<void> {
    const queue = this.queues.get(account) as Pending[];
    while (queue.length > 0) {
      // Let waiting I/O (other requests) run first: an in-process store such as PGlite can
      // answer through microtasks alone, and would otherwise decide every request on its own.
      await new Promise((resolve) => setImmediate(resolve));
      await this.settle(account, queue.splice(0, this.options.maxBatch));
    }
    this.queues.delete(account);
  }

  /** Decides and appends a batch, then answers each of its commands. */
  private async settle(account: string, batch: Pending[]): Promise<void> {
    try {
      const outcomes = await retryOnConflict(async (attempt) => {
        if (attempt > 1) this.options.onConflict?.();
        return this.decideBatch(
          account,
          batch.map((p) => p.command),
          attempt > 1,
        );
      }, this.options.retry);
      batch.forEach((p, i) => p.resolve(outcomes[i]));
    } catch (error) {
      // The repository dropped its cached state when an append failed: the next batch reads afresh.
      if (error instanceof EventRejectedError && batch.length > 1) {
        // One command's data was refused: append each alone, so only that command fails.
        for (const pending of batch) await this.settle(account, [pending]);
        return;
      }
      batch.forEach((p) => p.reject(error));
    }
  }

  /**
   * The state with what the store's claims index holds for the ids of `commands` that the
   * account's bounded memory forgot: always for a reversal, commit or release (they act on an
   * earlier decision); for a usage or hold only when `repeats` (a claim of the batch was taken,
   * so one of its ids was decided before) or for a dry run, which has no append to find out with.
   */
  private async recalling(
    state: Account,
    account: string,
    commands: AccountCommand[],
    repeats: boolean,
    now: string,
  ): Promise<Account> {
    const keys = new Map<string, { source: string; id: string }>();
    for (const command of commands) {
      const key = idOf(command, repeats);
      if (key && !decisionFor(state, key.source, key.id) && !holdFor(state, key.source, key.id))
        keys.set(`${key.source}\u0000${key.id}`, key);
    }
    if (keys.size === 0) return state;
    return recall(state, await this.repository.recalled(account, [...keys.values()], now));
  }

  private async decideBatch(account: string, commands: AccountCommand[], repeats: boolean): Promise<Outcome[]> {
    const now = commands.reduce((latest, c) => (c.now > latest ? c.now : latest), commands[0].now);
    const loaded = await this.loadAt(account, now, { closeBooks: true });
    let state = await this.recalling(loaded.state, account, commands, repeats, now);
    const appended: AccountEvent[] = [];
    const outcomes = commands.map((command) => {
      const outcome = decideOne(command, state);
      if (outcome.ok) {
        state = outcome.state;
        appended.push(...outcome.events);
      }
      return outcome;
    });
    await this.repository.append(loaded, appended, state);
    return outcomes;
  }
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

function decideOne(command: AccountCommand, state: Account): Outcome {
  try {
    const events = decide(command, state);
    return { ok: true, events, state: events.reduce(evolve, state) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}
