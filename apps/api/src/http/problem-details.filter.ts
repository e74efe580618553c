import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ConcurrencyRetriesExhaustedError, EventRejectedError } from '@tally/eventstore';
import { DomainError, type DomainErrorCode } from '@tally/domain';
import type { FastifyReply } from 'fastify';
import { Problem, type ProblemDocument } from './problem';

const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  USAGE_NOT_FOUND: HttpStatus.NOT_FOUND,
  USAGE_NOT_ACCEPTED: HttpStatus.CONFLICT,
  QUOTA_NOT_FOUND: HttpStatus.NOT_FOUND,
  CREDITS_OVERFLOW: HttpStatus.UNPROCESSABLE_ENTITY,
  BOOKS_CLOSED: HttpStatus.CONFLICT,
  RESERVATION_NOT_FOUND: HttpStatus.NOT_FOUND,
  RESERVATION_EXPIRED: HttpStatus.CONFLICT,
  RESERVATION_RELEASED: HttpStatus.CONFLICT,
  RESERVATION_COMMITTED: HttpStatus.CONFLICT,
  COMMIT_EXCEEDS_HOLD: HttpStatus.CONFLICT,
  ANCHOR_NOT_ALLOWED: HttpStatus.BAD_REQUEST,
  CYCLE: HttpStatus.CONFLICT,
  TOO_DEEP: HttpStatus.CONFLICT,
  HAS_BALANCE: HttpStatus.CONFLICT,
  HAS_CHILDREN: HttpStatus.CONFLICT,
  NOT_A_PAYER: HttpStatus.CONFLICT,
  // Both only reach a client when a tree kept changing while the handler followed it.
  MOVED: HttpStatus.CONFLICT,
  NOT_A_MEMBER: HttpStatus.CONFLICT,
  GRANT_NOT_FOUND: HttpStatus.NOT_FOUND,
  GRANT_VOIDED: HttpStatus.CONFLICT,
  GRANT_EXPIRED: HttpStatus.CONFLICT,
  INVALID_GRANT: HttpStatus.BAD_REQUEST,
  COMMIT_ITEMS_MISMATCH: HttpStatus.CONFLICT,
};

/** The one place errors become responses: application/problem+json, never a stack or a secret. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    sendProblem(host.switchToHttp().getResponse<FastifyReply>(), error, this.logger);
  }
}

/** Writes the problem document for any error. */
export function sendProblem(reply: FastifyReply, error: unknown, logger: Logger): void {
  const problem = toProblem(error);
  if (problem.status >= 500) logger.error({ err: error, code: problem.code }, problem.detail);
  if (reply.sent) return; // an export cut after its first byte: the connection was aborted instead
  if (problem.status === HttpStatus.SERVICE_UNAVAILABLE) reply.header('Retry-After', '1');
  reply.code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Maps every error Tally can raise to a problem document; anything unknown is a bare 500. */
export function toProblem(error: unknown): ProblemDocument {
  if (error instanceof Problem) return error.toDocument();
  if (error instanceof DomainError) {
    // A refusal about one field of the input names it, as a validation problem does.
    const fields = error.field === undefined ? undefined : [{ field: error.field, reason: error.message }];
    return new Problem(DOMAIN_STATUS[error.code], error.code, title(error.code), error.message, fields).toDocument();
  }
  if (error instanceof ConcurrencyRetriesExhaustedError) {
    return new Problem(503, 'CONTENTION', 'Too much contention', 'the account is too busy right now; retry').toDocument();
  }
  if (error instanceof EventRejectedError) {
    return new Problem(
      422,
      'UNSTORABLE_INPUT',
      'Unstorable input',
      'the event store refused the data of this request',
    ).toDocument();
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HttpStatus[status] ?? 'ERROR';
    // Nest's 404 says "Cannot GET <path>": the path may carry what a client should not have put
    // there (a token), and is not echoed.
    const detail = status === HttpStatus.NOT_FOUND ? 'no route matches this method and path' : error.message;
    return new Problem(status, code, title(code), detail).toDocument();
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // The framework's own refusals (a malformed URL, a too long parameter): the status, never
    // their message, which may quote the URL.
    const code = HttpStatus[status] ?? 'BAD_REQUEST';
    return new Problem(status, code, title(code), 'the request cannot be served as sent').toDocument();
  }
  return new Problem(500, 'INTERNAL', 'Internal error', 'an unexpected error occurred').toDocument();
}

function title(code: string): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
