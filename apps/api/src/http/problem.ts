import { HttpException, HttpStatus } from '@nestjs/common';
import { boundFieldErrors, describeFieldErrors, type FieldError } from '@tally/messages';

/** An RFC 9457 problem document, the body of every error response. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
}

/** An error that already knows its problem document. */
export class Problem extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    title: string,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super({ title, detail }, status);
  }

  toDocument(): ProblemDocument {
    const { title, detail } = this.getResponse() as { title: string; detail: string };
    return {
      type: `urn:tally:problem:${this.code.toLowerCase().replace(/_/g, '-')}`,
      title,
      status: this.getStatus(),
      detail,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

/** 400 with one entry per bad field, at most 20 of them and a last one counting the rest. */
export function validationProblem(errors: FieldError[]): Problem {
  const bounded = boundFieldErrors(errors);
  return new Problem(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'Invalid request', describeFieldErrors(bounded), bounded);
}
