import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';

/** One problem with one input field; `field` is a dotted path such as `data.quantity`. */
export interface FieldError {
  field: string;
  reason: string;
}

/** The errors as one line, `field: reason; …`: a problem's detail, a dead letter's reason. */
export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => (e.field ? `${e.field}: ${e.reason}` : e.reason)).join('; ');
}

/** The most field errors one answer or dead letter names; the rest are counted in one last entry. */
export const MAX_FIELD_ERRORS = 20;

// The entries that count errors left out, and how many each stands for.
const omittedCounts = new WeakMap<FieldError, number>();

function omitted(count: number): FieldError {
  const entry = { field: '', reason: `${count} more ${count === 1 ? 'error' : 'errors'}` };
  omittedCounts.set(entry, count);
  return entry;
}

/**
 * At most {@link MAX_FIELD_ERRORS} errors, then one entry `N more errors` for the rest (an error
 * list of a million unknown fields would otherwise be a body of megabytes). Bounding a list that
 * is already bounded keeps its count.
 */
export function boundFieldErrors(errors: FieldError[]): FieldError[] {
  const named: FieldError[] = [];
  let rest = 0;
  for (const error of errors) {
    const count = omittedCounts.get(error);
    if (count !== undefined) rest += count;
    else if (named.length < MAX_FIELD_ERRORS) named.push(error);
    else rest++;
  }
  return rest > 0 ? [...named, omitted(rest)] : named;
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

/** Flattens class-validator's nested errors into one entry per failing constraint (see {@link ownReasons}). */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = ownReasons(error.constraints ?? {}).map((reason) => ({ field, reason: reasonText(reason) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

// The constraints that say a value is of the wrong JSON type (`notNull`: Tally's OptionalNotNull).
const TYPE_CONSTRAINTS = new Set(['isInt', 'isNumber', 'isString', 'isBoolean', 'isArray', 'isObject']);

/**
 * A field's failed constraints as reasons: a value of the wrong type is told that alone (`null`:
 * "must not be null"; `"5"` for an integer: "must be an integer", not also "at least 1" and "at
 * most …", which it fails only for not being a number). `isInt` counts as a type (the failing value
 * is not kept to tell a string from a fraction): 0.5 is told it must be an integer.
 */
function ownReasons(constraints: Record<string, string>): string[] {
  if (constraints.notNull !== undefined) return [constraints.notNull];
  const names = Object.keys(constraints);
  const types = names.filter((name) => TYPE_CONSTRAINTS.has(name));
  return (types.length ? types : names).map((name) => constraints[name]);
}

// class-validator words an unknown field as "property x should not exist"; say it the same way everywhere.
function reasonText(reason: string): string {
  return reason.replace(/^property (\S+) should not exist$/, 'unknown field');
}

/** Deepest nesting of arrays and objects any input may have, over HTTP and Kafka alike. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Most members any object of an input may have. Tally's widest, a CloudEvent with its extension
 * attributes, has at most 42: a wider object cannot be valid, and is refused without walking it.
 */
export const MAX_OBJECT_MEMBERS = 64;

/** The reason an object with too many members is refused, over HTTP (before parsing) and Kafka alike. */
export function tooManyMembers(members: number): string {
  return `an object may have at most ${MAX_OBJECT_MEMBERS} members; this one has ${members}, ${members - MAX_OBJECT_MEMBERS} more`;
}

/**
 * Most items an array inside an input may hold (an input that is itself an array, a batch of up to
 * 1000 usage events, is bounded by its own rule). Tally's longest, a multi-item usage's `items`,
 * holds at most 20: a longer array cannot be valid, and is refused without walking it (validating
 * 30,000 items, each wrong, held the event loop for seconds).
 */
export const MAX_ARRAY_ITEMS = 64;

/** The reason an array with too many items is refused, over HTTP (before parsing) and Kafka alike. */
export function tooManyItems(items: number): string {
  return `an array may hold at most ${MAX_ARRAY_ITEMS} items; this one has ${items}, ${items - MAX_ARRAY_ITEMS} more`;
}

// No contract has fields with these names, and class-transformer breaks on objects that carry
// them (it reads `value.constructor` to find a type): refused before it ever sees them.
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const joinField = (prefix: string, key: string | number) =>
  typeof key === 'number' ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key;

/** An object or array met by {@link shapeErrors}: its field path is built only when an error names it. */
interface Visit {
  value: object;
  parent: Visit | null;
  key: string | number;
  depth: number;
}

function pathOf(at: Visit, field: string): string {
  const keys: Array<string | number> = [];
  for (let v: Visit | null = at; v?.parent; v = v.parent) keys.push(v.key);
  let path = field;
  for (let i = keys.length - 1; i >= 0; i--) path = joinField(path, keys[i]);
  return path;
}

/**
 * What must be refused before an input is walked recursively: nesting deeper than
 * {@link MAX_INPUT_DEPTH}, objects wider than {@link MAX_OBJECT_MEMBERS}, arrays inside it longer
 * than {@link MAX_ARRAY_ITEMS} and reserved keys at any depth. Checked with an explicit stack, so no
 * input, however deep, can overflow the call stack here. A valid input (every one on the hot
 * routes) costs one visit per object and array, no strings.
 */
export function shapeErrors(input: unknown, field = ''): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof input !== 'object' || input === null) return errors;
  const stack: Visit[] = [{ value: input, parent: null, key: '', depth: 0 }];
  while (stack.length > 0 && errors.length < 10) {
    const at = stack.pop()!;
    const { value, depth } = at;
    if (depth >= MAX_INPUT_DEPTH) {
      errors.push({ field: pathOf(at, field), reason: `JSON may nest at most ${MAX_INPUT_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(value)) {
      if (depth > 0 && value.length > MAX_ARRAY_ITEMS) {
        errors.push({ field: pathOf(at, field), reason: tooManyItems(value.length) });
        continue;
      }
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (typeof child === 'object' && child !== null) stack.push({ value: child, parent: at, key: i, depth: depth + 1 });
      }
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > MAX_OBJECT_MEMBERS) {
      errors.push({ field: pathOf(at, field), reason: tooManyMembers(keys.length) });
      continue;
    }
    for (const key of keys) {
      if (RESERVED_KEYS.has(key)) {
        errors.push({ field: joinField(pathOf(at, field), key), reason: 'unknown field' });
        continue;
      }
      const child: unknown = (value as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, parent: at, key, depth: depth + 1 });
    }
  }
  return errors;
}

/** The fields a contract class declares, and the contract class of each nested one. */
interface ContractFields {
  known: ReadonlySet<string>;
  nested: ReadonlyMap<string, ClassConstructor<object>>;
}

const contracts = new WeakMap<ClassConstructor<object>, ContractFields>();

/**
 * A contract's fields as class-validator's whitelist sees them (every property with a rule), and
 * the class class-transformer builds for each nested one (`@Type`), found once per class by
 * transforming `{field: {}}` with the public API.
 */
function contractFields(cls: ClassConstructor<object>): ContractFields {
  let fields = contracts.get(cls);
  if (fields) return fields;
  const storage = getMetadataStorage();
  const known = new Set(Object.keys(storage.groupByPropertyName(storage.getTargetValidationMetadatas(cls, '', false, false))));
  const nested = new Map<string, ClassConstructor<object>>();
  for (const name of known) {
    let probe: unknown;
    try {
      probe = (plainToInstance(cls, { [name]: {} }) as Record<string, unknown>)[name];
    } catch {
      continue; // a field whose transform refuses an object: not a nested contract
    }
    const type = typeof probe === 'object' && probe !== null ? (probe.constructor as ClassConstructor<object>) : Object;
    if (type !== Object && type !== Array) nested.set(name, type);
  }
  fields = { known, nested };
  contracts.set(cls, fields);
  return fields;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Unknown fields, found in one pass over the input's keys against the contract's (and its nested
 * contracts') fields, before class-transformer sees them: its `plainToInstance` is quadratic in the
 * number of keys of an object. Returns the errors (bounded) and the input without the unknown
 * fields, so that the rest is still checked and a client learns every problem at once.
 */
export function unknownFields(
  cls: ClassConstructor<object>,
  input: Record<string, unknown>,
  field = '',
): { errors: FieldError[]; known: Record<string, unknown> } {
  const errors: FieldError[] = [];
  let unnamed = 0;
  const visit = (contract: ClassConstructor<object>, value: Record<string, unknown>, path: string): Record<string, unknown> => {
    const { known, nested } = contractFields(contract);
    let kept: Record<string, unknown> | null = null;
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (!known.has(key)) {
        if (errors.length < MAX_FIELD_ERRORS) errors.push({ field: joinField(path, key), reason: 'unknown field' });
        else unnamed++;
        // Copied up to here once, then only the known keys are kept.
        kept ??= Object.fromEntries(keys.slice(0, i).map((k) => [k, value[k]]));
        continue;
      }
      const type = nested.get(key);
      let child = value[key];
      if (type && isRecord(child)) child = visit(type, child, joinField(path, key));
      else if (type && Array.isArray(child)) {
        child = child.map((item, n) => (isRecord(item) ? visit(type, item, `${joinField(path, key)}[${n}]`) : item));
      }
      if (kept) kept[key] = child;
      else if (child !== value[key]) {
        kept = Object.fromEntries(keys.slice(0, i).map((k) => [k, value[k]]));
        kept[key] = child;
      }
    }
    return kept ?? value;
  };
  const known = visit(cls, input, field);
  if (unnamed > 0) errors.push(omitted(unnamed));
  return { errors, known };
}

/**
 * Validates a plain JSON value as an instance of `cls`, with no type coercion. The work is linear
 * in the size of the input: shape and unknown fields are checked in single passes before
 * class-transformer and class-validator see the (then bounded) rest.
 */
export function validateAs<T extends object>(cls: ClassConstructor<T>, input: unknown, field = ''): Validated<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field, reason: 'must be a JSON object' }] };
  }
  const shape = shapeErrors(input, field);
  if (shape.length) return { ok: false, errors: shape };
  const unknown = unknownFields(cls, input as Record<string, unknown>, field);
  const value = plainToInstance(cls, unknown.known);
  const errors = boundFieldErrors([
    ...unknown.errors,
    ...flattenValidationErrors(validateSync(value, VALIDATION_OPTIONS), field),
  ]);
  return errors.length ? { ok: false, errors } : { ok: true, value };
}
