import type { FieldError } from './contract';

/** Tally refused the request itself (not the usage): bad input, auth, or an outage. */
export class TallyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    /** Seconds the server asked to wait before retrying (`Retry-After`), if it did. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'TallyError';
  }

  /** Worth retrying with the same ids: the server was unreachable, busy or unavailable. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
