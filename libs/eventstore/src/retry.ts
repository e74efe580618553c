import { WrongExpectedRevisionError } from './event-store';

/** How often, and how patiently, a decide step is re-run after losing a race. */
export interface RetryOptions {
  attempts: number;
  /** Base delay; each attempt waits a random time up to base × 2^attempt. */
  baseDelayMs: number;
}

/** Thrown when a decision kept losing the race for its stream. */
export class ConcurrencyRetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    override readonly cause: WrongExpectedRevisionError,
  ) {
    super(`gave up after ${attempts} version conflicts on ${cause.stream}`);
    this.name = 'ConcurrencyRetriesExhaustedError';
  }
}

/**
 * Runs a whole load-decide-append step again when another writer appended first. The step
 * must re-read its state on every attempt; deciding is pure, so re-running it is safe.
 */
export async function retryOnConflict<T>(step: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (attempt >= options.attempts) throw new ConcurrencyRetriesExhaustedError(attempt, error);
      const ceiling = options.baseDelayMs * 2 ** Math.min(attempt, 8);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
