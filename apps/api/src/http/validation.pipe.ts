import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import {
  batchSizeError,
  flattenValidationErrors,
  MAX_USAGE_BATCH,
  shapeErrors,
  unknownFields,
  validateAs,
  VALIDATION_OPTIONS,
} from '@tally/messages';
import { validationProblem } from './problem';

/**
 * The global pipe: the shared contract options, problem+json errors, and the checks that keep
 * the work linear in the input before class-transformer walks a body or a query: the shape
 * (depth, reserved keys), then unknown fields in one pass (class-transformer is quadratic in
 * them); a body with unknown fields is refused naming them and whatever else is wrong with the rest.
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
      // A route whose body is a contract takes an object: an array (only POST /v1/usage takes one,
      // as a batch) is refused at once, never walked as an object of thousands of unknown fields.
      if (metadata.type === 'body' && isContract(metadata.metatype) && Array.isArray(value)) {
        throw validationProblem([{ field: '', reason: 'must be a JSON object' }]);
      }
      // Another array body is a batch of usage events: one longer than any batch may be is refused
      // by its length, before its events are walked (30,000 of them held the event loop).
      if (metadata.type === 'body' && Array.isArray(value) && value.length > MAX_USAGE_BATCH) {
        throw validationProblem([batchSizeError(value)!]);
      }
      const errors = shapeErrors(value);
      if (errors.length) throw validationProblem(errors);
      const contract = metadata.metatype;
      if (isContract(contract) && isRecord(value)) {
        const unknown = unknownFields(contract, value);
        if (unknown.errors.length) {
          const rest = validateAs(contract, unknown.known);
          throw validationProblem([...unknown.errors, ...(rest.ok ? [] : rest.errors)]);
        }
      }
    }
    return super.transform(value, metadata);
  }
}

const BUILT_IN: ReadonlySet<unknown> = new Set([String, Boolean, Number, Array, Object]);

function isContract(metatype: unknown): metatype is new () => object {
  return typeof metatype === 'function' && !BUILT_IN.has(metatype);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
