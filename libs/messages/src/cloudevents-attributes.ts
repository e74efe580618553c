import type { ExtensionValue, UsageAttributes } from '@tally/events';
import type { FieldError } from './validation';

/** The attributes the CloudEvents 1.0 core defines; every other top-level name is an extension. */
export const CORE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'datacontenttype',
  'dataschema',
  'data',
  'data_base64',
]);

// CloudEvents 1.0: attribute names are lower-case ASCII letters and digits (we allow up to 64).
const EXTENSION_NAME = /^[a-z0-9]{1,64}$/;
const MAX_EXTENSIONS = 32;
const MAX_EXTENSION_LENGTH = 2048;
// Control characters would end up in logs and decisions; no producer has a reason to send them.
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Splits a CloudEvent's top-level members into the core attributes (checked by the usage
 * contract) and its extensions (checked here: name and value by the CloudEvents type system).
 * A name that cannot be an attribute at all stays with the core, where it is an unknown field.
 */
export function splitExtensions(
  event: Record<string, unknown>,
  field = '',
): {
  core: Record<string, unknown>;
  extensions: Record<string, ExtensionValue>;
  errors: FieldError[];
} {
  const core: Record<string, unknown> = {};
  const extensions: Record<string, ExtensionValue> = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(event)) {
    if (CORE_ATTRIBUTES.has(name) || !EXTENSION_NAME.test(name)) {
      core[name] = value;
      continue;
    }
    const path = field ? `${field}.${name}` : name;
    const reason = extensionProblem(value);
    if (reason) errors.push({ field: path, reason });
    else extensions[name] = value as ExtensionValue;
  }
  if (Object.keys(extensions).length > MAX_EXTENSIONS) {
    errors.push({ field, reason: `at most ${MAX_EXTENSIONS} extension attributes are kept` });
  }
  return { core, extensions, errors };
}

function extensionProblem(value: unknown): string | null {
  if (typeof value === 'boolean') return null;
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? null : 'an extension attribute that is a number must be an integer';
  }
  if (typeof value !== 'string') return 'an extension attribute must be a string, an integer or a boolean';
  if (value.length > MAX_EXTENSION_LENGTH) return `an extension attribute holds at most ${MAX_EXTENSION_LENGTH} characters`;
  if (CONTROL.test(value) || LONE_SURROGATE.test(value)) {
    return 'an extension attribute must be text without control characters';
  }
  return null;
}

/** The attributes to keep, leaving out those the producer did not send. */
export function usageAttributes(
  event: { datacontenttype?: string; dataschema?: string },
  extensions: Record<string, ExtensionValue>,
): UsageAttributes {
  return {
    ...(event.datacontenttype !== undefined ? { datacontenttype: event.datacontenttype } : {}),
    ...(event.dataschema !== undefined ? { dataschema: event.dataschema } : {}),
    ...(Object.keys(extensions).length ? { extensions } : {}),
  };
}
