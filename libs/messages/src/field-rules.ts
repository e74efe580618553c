import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

// The rules single fields follow, as predicates and as class-validator decorators: text, timestamps, UTF-8.
// Control characters (NUL included) and lone surrogates: PostgreSQL refuses the first in text and
// jsonb and the second in jsonb, and neither belongs in a name or a reason a person reads.
const FORBIDDEN_TEXT = /[\p{Cc}\p{Cs}]/u;

/** The rule every name and free-text field follows (docs/contract.md §2.5), as messages say it. */
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
 * (docs/contract.md §2.3: every quota field but `limit` always has a value). Use instead of `@IsOptional()`,
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
