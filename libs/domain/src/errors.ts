/** Stable codes of the commands the domain refuses; the HTTP layer maps each to a status. */
export type DomainErrorCode =
  | 'USAGE_NOT_FOUND'
  | 'USAGE_NOT_ACCEPTED'
  | 'QUOTA_NOT_FOUND'
  | 'CREDITS_OVERFLOW'
  | 'BOOKS_CLOSED'
  | 'RESERVATION_NOT_FOUND'
  | 'RESERVATION_EXPIRED'
  | 'RESERVATION_RELEASED'
  | 'RESERVATION_COMMITTED'
  | 'COMMIT_EXCEEDS_HOLD'
  | 'ANCHOR_NOT_ALLOWED'
  | 'CYCLE'
  | 'TOO_DEEP'
  | 'HAS_BALANCE'
  | 'HAS_CHILDREN'
  | 'NOT_A_PAYER'
  | 'MOVED'
  | 'NOT_A_MEMBER'
  | 'GRANT_NOT_FOUND'
  | 'GRANT_VOIDED'
  | 'GRANT_EXPIRED'
  | 'INVALID_GRANT'
  | 'COMMIT_ITEMS_MISMATCH';

/** A command the current state does not allow; nothing was appended. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field the refusal is about, when it is about one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Ends a `switch` over a union so that a new member cannot be forgotten. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
