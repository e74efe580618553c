import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { NAME_PATTERN, NAME_RULE } from '@tally/events';
import { validationProblem } from './problem';

/** Checks a path segment naming an account, subject or meter. */
@Injectable()
export class NamePipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}

  transform(value: string): string {
    if (!NAME_PATTERN.test(value)) throw validationProblem([{ field: this.field, reason: `${this.field} ${NAME_RULE}` }]);
    return value;
  }
}

/** `@NameParam('account')`: a validated name from the path. */
export const NameParam = (name: string) => Param(name, new NamePipe(name));
