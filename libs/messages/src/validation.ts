import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { ValidateBy, ValidateIf, validateSync, type ValidationError, type ValidationOptions } from 'class-validator';

/** One problem with one input field; `field` is a dotted path such as `data.quantity`. */
export interface FieldError {
  field: string;
  reason: string;
}

/** The errors as one line, `field: reason; …`: a problem's detail, a dead letter's reason. */
export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => (e.field ? `${e.field}: ${e.reason}` : e.reason)).join('; ');
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

/** Deepest nesting of arrays and objects any input may have, over HTTP and Kafka alike. */
export const MAX_INPUT_DEPTH = 32;

// No contract has fields with these names, and class-transformer breaks on objects that carry
// them (it reads `value.constructor` to find a type): refused before it ever sees them.
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const joinField = (prefix: string, key: string | number) =>
  typeof key === 'number' ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key;

/**
 * What must be refused before an input is walked recursively: nesting deeper than
 * {@link MAX_INPUT_DEPTH} and reserved keys at any depth. Checked with an explicit stack, so no
 * input, however deep, can overflow the call stack here.
 */
export function shapeErrors(input: unknown, field = ''): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: input, path: field, depth: 0 }];
  while (stack.length > 0 && errors.length < 10) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      errors.push({ field: path, reason: `JSON may nest at most ${MAX_INPUT_DEPTH} levels` });
      continue;
    }
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    for (const [key, child] of entries) {
      if (typeof key === 'string' && RESERVED_KEYS.has(key))
        errors.push({ field: joinField(path, key), reason: 'unknown field' });
      else stack.push({ value: child, path: joinField(path, key), depth: depth + 1 });
    }
  }
  return errors;
}

/** Validates a plain JSON value as an instance of `cls`, with no type coercion. */
export function validateAs<T extends object>(cls: ClassConstructor<T>, input: unknown, field = ''): Validated<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field, reason: 'must be a JSON object' }] };
  }
  const shape = shapeErrors(input, field);
  if (shape.length) return { ok: false, errors: shape };
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
  if (typeof value !== 'string' || FORBIDDEN_TEXT.test(value)) return false;
  const length = characters(value);
  return length >= min && length <= max;
}

/** Length in Unicode characters (code points), as limits are stated: an emoji is one, not two. */
export function characters(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++, count++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count;
}

/**
 * `@IsText(min, max)`: a string of `min` to `max` characters without control characters and
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
          if (characters(value) < min || characters(value) > max)
            return `${args?.property} must be ${min} to ${max} characters long`;
          return `${args?.property} ${TEXT_RULE}`;
        },
      },
    },
    options,
  );
}

/**
 * `@OptionalNotNull()`: the field may be left out, but null is refused with a clear reason
 * (DESIGN §2: every quota field but `limit` always has a value). Use instead of `@IsOptional()`,
 * which lets null through.
 */
export function OptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  return (target, key) => {
    ValidateIf((_, value) => value !== undefined)(target, key);
    ValidateBy(
      {
        name: 'notNull',
        validator: { validate: (value) => value !== null, defaultMessage: (args) => `${args?.property} must not be null` },
      },
      options,
    )(target, key);
  };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether `value` is an RFC 3339 timestamp naming a real instant: the calendar is checked, so
 * 2026-02-30 is refused instead of rolling into March, and so are hour 24 and minute 60.
 */
export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [offsetHours, offsetMinutes] = [match[9], match[10]].map((part) => Number(part ?? 0));
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second &&
    offsetHours <= 23 &&
    offsetMinutes <= 59
  );
}

/** `@IsTimestamp()`: see {@link isTimestamp}. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value) => isTimestamp(value),
        defaultMessage: (args) => `${args?.property} must be an RFC 3339 timestamp of a real date and time`,
      },
    },
    options,
  );
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes as UTF-8 text, or null when they are not UTF-8 (HTTP bodies, Kafka values and headers):
 * a lenient decode turns every invalid byte into U+FFFD, and two different ids would become one.
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return null;
  }
}
