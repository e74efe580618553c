import type { ErrorObject } from 'ajv';
import { resolve } from './contract-compiler';
import type { ContractSchema } from './usage-schema';
import type { FieldError } from './validation';

// ajv's errors for a refused body, said as the contract's field errors: one per rule of a field
// (its `x-messages` entry, the reason of the first keyword of the entry that failed), in document
// order: unknown fields, then the declared members in the schema's order, then extension attributes.

interface Failure {
  node: ContractSchema | undefined;
  keywords: Set<string>;
  unknown: boolean;
  params: Record<string, unknown>;
  // anyOf: the errors of each alternative, by the alternative's schema
  alternatives?: Map<ContractSchema, Set<string>>;
}

const MISSING_KEYWORDS = new Set(['required', 'x-required-unless']);
const LATE_KEYWORDS = new Set(['x-max-extensions']);

const segments = (pointer: string) =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** A JSON Schema type as the value has it (`integer` counts as `number`). */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function keywordOf(error: ErrorObject): string {
  // A number that is not whole fails `type: integer`; its reason is the rule's `integer` one.
  if (error.keyword === 'type' && error.params.type === 'integer' && typeof error.data === 'number') return 'integer';
  return MISSING_KEYWORDS.has(error.keyword) ? 'required' : error.keyword;
}

function collect(errors: ErrorObject[]): Map<string, Failure> {
  const failures = new Map<string, Failure>();
  const at = (pointer: string, node: unknown): Failure => {
    let failure = failures.get(pointer);
    if (!failure) failures.set(pointer, (failure = { node: resolve(node), keywords: new Set(), unknown: false, params: {} }));
    failure.node ??= resolve(node);
    return failure;
  };
  for (const error of errors) {
    const parent = error.parentSchema as ContractSchema | undefined;
    if (error.keyword === 'additionalProperties') {
      at(
        `${error.instancePath}/${String(error.params.additionalProperty).replace(/~/g, '~0').replace(/\//g, '~1')}`,
        undefined,
      ).unknown = true;
    } else if (error.keyword === 'x-extension-name') at(error.instancePath, parent).unknown = true;
    else if (error.keyword === 'required') {
      const member = String(error.params.missingProperty);
      at(`${error.instancePath}/${member}`, (parent?.properties as ContractSchema)?.[member]).keywords.add('required');
    } else if (error.keyword === 'anyOf') at(error.instancePath, parent).keywords.add('anyOf');
    else if (error.schemaPath.includes('/anyOf/')) {
      const failure = at(error.instancePath, undefined);
      failure.alternatives ??= new Map();
      const alternative = parent as ContractSchema;
      const keywords = failure.alternatives.get(alternative) ?? new Set();
      failure.alternatives.set(alternative, keywords.add(keywordOf(error)));
    } else {
      const failure = at(error.instancePath, parent);
      failure.keywords.add(keywordOf(error));
      Object.assign(failure.params, error.params);
    }
  }
  return failures;
}

/** The reasons of one failing field, from its schema's `x-messages`. */
function reasons(failure: Failure, value: unknown): string[] {
  let { node, keywords } = failure;
  if (failure.alternatives) {
    // Of the alternatives (anyOf), the one of the value's own type says what is wrong with it.
    const own = [...failure.alternatives].find(([alternative]) => {
      const type = alternative.type === 'integer' ? 'number' : alternative.type;
      return type === jsonType(value);
    });
    if (own) [node, keywords] = own;
    else keywords = new Set(['type']);
  }
  // A member refused because another excludes it: its own content does not matter.
  if (keywords.has('x-excludes')) keywords = new Set(['x-excludes']);
  const rules = (node?.['x-messages'] ?? []) as Array<Record<string, string | null>>;
  const said: string[] = [];
  for (const rule of rules) {
    // A missing member fails every rule of its type, unless the rule says otherwise for `required`.
    const failed = (keyword: string) =>
      keywords.has(keyword) || (keyword === 'type' && keywords.has('required') && !Object.hasOwn(rule, 'required'));
    const first = Object.keys(rule).find(failed);
    const reason = first === undefined ? null : rule[first];
    if (reason) said.push(fill(reason, failure.params, value));
  }
  return said;
}

function fill(message: string, params: Record<string, unknown>, value: unknown): string {
  return message
    .replace('{count}', () => String(Array.isArray(value) ? value.length : params.count))
    .replace('{value}', () => String(params.value ?? value));
}

interface Placed {
  field: string;
  order: number[];
  // the place of each member in its object, and whether an array was passed through
  keyOrder: number[];
  inArray: boolean;
  value: unknown;
}

/** A pointer as a field path (`data.items[3].meter`) and its place in document order. */
function place(pointer: string, root: unknown, rootNode: ContractSchema, prefix: string): Placed {
  let field = prefix;
  let value = root;
  let node: ContractSchema | undefined = rootNode;
  const order: number[] = [];
  const keyOrder: number[] = [];
  let inArray = false;
  for (const segment of segments(pointer)) {
    if (Array.isArray(value)) {
      field = `${field}[${segment}]`;
      order.push(1, Number(segment));
      inArray = true;
      node = resolve(node?.items);
    } else {
      field = field ? `${field}.${segment}` : segment;
      const declared = Object.keys((node?.properties as object) ?? {});
      const index = declared.indexOf(segment);
      const keys = value !== null && typeof value === 'object' ? Object.keys(value) : [];
      order.push(...(index >= 0 ? [1, index] : [node?.additionalProperties === false || !node ? 0 : 2, keys.indexOf(segment)]));
      keyOrder.push(keys.indexOf(segment));
      node = index >= 0 ? resolve((node!.properties as ContractSchema)[segment]) : resolve(node?.additionalProperties);
    }
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return { field, order, keyOrder, inArray, value };
}

const compare = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
};

/** ajv's errors for `input` (validated against `rootNode`) as field errors, fields prefixed by `prefix`. */
export function fieldErrors(errors: ErrorObject[], input: unknown, rootNode: ContractSchema, prefix: string): FieldError[] {
  const listed: Array<FieldError & { order: number[] }> = [];
  const failures = collect(errors);
  // A list longer than allowed is refused as a whole: its elements are not judged.
  const tooLong = [...failures].filter(([, f]) => f.keywords.has('maxItems')).map(([pointer]) => `${pointer}/`);
  for (const [pointer, failure] of failures) {
    if (tooLong.some((list) => pointer.startsWith(list))) continue;
    const { field, order, keyOrder, inArray, value } = place(pointer, input, rootNode, prefix);
    if (failure.unknown) {
      // An unknown field is refused whatever its value; the name alone is named. Outside lists,
      // before anything else, in the order of the members.
      if (order.length >= 2) order[order.length - 2] = 0;
      listed.push({ field, reason: 'unknown field', order: inArray ? [1, ...order] : [0, ...keyOrder] });
      continue;
    }
    for (const reason of reasons(failure, value)) {
      const late = [...failure.keywords].some((k) => LATE_KEYWORDS.has(k));
      listed.push({ field, reason, order: [1, ...order, ...(late ? [3] : [])] });
    }
  }
  return listed
    .map((error, i) => ({ error, i }))
    .sort((a, b) => compare(a.error.order, b.error.order) || a.i - b.i)
    .map(({ error }) => ({ field: error.field, reason: error.reason }));
}
