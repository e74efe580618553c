import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { flattenValidationErrors, shapeErrors, VALIDATION_OPTIONS } from '@tally/messages';
import { validationProblem } from './problem';

/**
 * The global pipe: the shared contract options, problem+json errors, and the shape check
 * (depth, reserved keys) before class-transformer walks a body or a query.
 */
export class TallyValidationPipe extends ValidationPipe {
  constructor() {
    super({
      ...VALIDATION_OPTIONS,
      transform: true,
      exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const errors = shapeErrors(value);
      if (errors.length) throw validationProblem(errors);
    }
    return super.transform(value, metadata);
  }
}
