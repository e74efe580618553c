import { ValidationPipe, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { flattenValidationErrors, shapeErrors, unknownFields, validateAs, VALIDATION_OPTIONS } from '@tally/messages';
import { validationProblem } from './problem';

/**
 * The global pipe: the shared contract options, problem+json errors, and the checks that keep
 * the work linear in the input before class-transformer walks a body or a query: the shape
 * (depth, reserved keys), then unknown fields in one pass (class-transformer is quadratic in
 * them); a body with unknown fields is refused naming them and whatever else is wrong with the rest.
 */
export class TallyValidationPipe implements PipeTransform {
  private readonly pipe = new ValidationPipe({
    ...VALIDATION_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
  });

  /**
   * A custom decorator's value (`@UsageRequest`, `@CurrentKey`) is returned as it is, as
   * ValidationPipe returns it (`validateCustomDecorators` is off), but at once: no promise.
   */
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'custom' ? value : this.validate(value, metadata);
  }

  private async validate(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      // A route whose body is a contract takes an object: an array is refused at once, never walked
      // as an object of thousands of unknown fields. (The usage routes read theirs with @UsageRequest,
      // which refuses a batch they do not take by its length or type, before any event is walked.)
      if (metadata.type === 'body' && isContract(metadata.metatype) && Array.isArray(value)) {
        throw validationProblem([{ field: '', reason: 'must be a JSON object' }]);
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
    return this.pipe.transform(value, metadata);
  }
}

const BUILT_IN: ReadonlySet<unknown> = new Set([String, Boolean, Number, Array, Object]);

function isContract(metatype: unknown): metatype is new () => object {
  return typeof metatype === 'function' && !BUILT_IN.has(metatype);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
