import { DomainError } from '@tally/domain';
import { refusesData, sqlState } from '@tally/eventstore';

/** Dead-letter codes of messages that were valid but could not be decided. */
export type UndecidableCode = 'STORE_REFUSED' | 'DECIDE_FAILED';

/** What to do about a failure: retry it (it may pass later), or dead-letter the message. */
export type Failure = { retry: true } | { retry: false; code: UndecidableCode; detail: string };

const MAX_DETAIL = 500;

/**
 * Sorts a failure to decide a message. What is the message's fault and cannot pass by retrying
 * is dead-lettered: the store refusing the data itself (SQLSTATE class 22, integrity or size
 * limits) and a domain error (the rules refusing its values). Everything else is retried
 * without limit: connections refused or reset, an administrator shutdown, conflicts, timeouts,
 * and a programming error (a TypeError or RangeError from Tally's own code), which is not the
 * message's fault — it stops the slice and is reported, and is never dead-lettered.
 */
export function classify(error: unknown): Failure {
  if (refusesData(error)) {
    return {
      retry: false,
      code: 'STORE_REFUSED',
      detail: clean(`the event store refused the data (SQLSTATE ${sqlState(error)}): ${(error as Error).message}`),
    };
  }
  if (error instanceof DomainError) {
    return { retry: false, code: 'DECIDE_FAILED', detail: clean(`${error.name}: ${error.message}`) };
  }
  return { retry: true };
}

/** A fault in Tally's code rather than in the message: retried and reported, never dead-lettered. */
export function isProgrammingError(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError;
}

// Header text: no control characters (the refused data may hold some), and bounded.
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, MAX_DETAIL);
}
