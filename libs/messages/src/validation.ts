import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

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
