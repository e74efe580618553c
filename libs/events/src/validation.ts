import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { ValidateBy, validateSync, type ValidationError, type ValidationOptions } from 'class-validator';

/** One problem with one input field; `field` is a dotted path such as `data.quantity`. */
export interface FieldError {
  field: string;
  reason: string;
}

/** The outcome of validating untrusted input against a contract class. */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The options every contract is checked with, over HTTP and Kafka alike. */
export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/** Flattens class-validator's nested errors into one entry per failing constraint. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason: reasonText(reason) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

// class-validator words an unknown field as "property x should not exist"; say it the same way everywhere.
function reasonText(reason: string): string {
  return reason.replace(/^property (\S+) should not exist$/, 'unknown field');
}

/** Validates a plain JSON value as an instance of `cls`, with no type coercion. */
export function validateAs<T extends object>(cls: ClassConstructor<T>, input: unknown, field = ''): Validated<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field, reason: 'must be a JSON object' }] };
  }
  const value = plainToInstance(cls, input);
  const errors = flattenValidationErrors(validateSync(value, VALIDATION_OPTIONS), field);
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

// Control characters (NUL included) and lone surrogates: PostgreSQL refuses the first in text and
// jsonb and the second in jsonb, and neither belongs in a name or a reason a person reads.
const FORBIDDEN_TEXT = /[\p{Cc}\p{Cs}]/u;

/** The rule every name and free-text field follows (DESIGN §2 Names), as messages say it. */
export const TEXT_RULE = 'must be text without control characters and with valid Unicode';

/** Whether `value` is a string that follows {@link TEXT_RULE}, `min` to `max` characters long. */
export function isText(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max && !FORBIDDEN_TEXT.test(value);
}

/**
 * `@IsText(min, max)`: a string of `min` to `max` UTF-16 units without control characters and
 * with valid Unicode. Used for every id, source, name, description and reason, over HTTP and Kafka.
 */
export function IsText(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isText',
      constraints: [min, max],
      validator: {
        validate: (value) => isText(value, min, max),
        defaultMessage: (args) => {
          const value = args?.value;
          if (typeof value !== 'string') return `${args?.property} must be a string`;
          if (value.length < min || value.length > max) return `${args?.property} must be ${min} to ${max} characters long`;
          return `${args?.property} ${TEXT_RULE}`;
        },
      },
    },
    options,
  );
}
