import Ajv, { type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import type { DataValidateFunction } from 'ajv/dist/types';
import { isTimestamp } from './field-rules';
import { ABSOLUTE_URI, JSON_MEDIA_TYPE, USAGE_CONTRACT, type ContractSchema } from './usage-schema';

// Teaches ajv the contract's `x-` keywords and Tally's readings of its formats (usage-schema.ts).

const CONTRACT_ID = 'tally-usage-contract';
const PREFIX = '#/components/schemas/';

/** A schema node with its `$ref` followed (the contract's refs all name a component). */
export function resolve(node: unknown): ContractSchema | undefined {
  const schema = node as ContractSchema | undefined;
  const target = typeof schema?.$ref === 'string' ? schema.$ref : undefined;
  return target?.startsWith(PREFIX) ? USAGE_CONTRACT[target.slice(PREFIX.length)] : schema;
}

const has = (data: Record<string, unknown>, name: string) => data[name] !== undefined;
// What a keyword returns for data that passes: no allocation on the path every valid body takes.
const NONE: Partial<ErrorObject>[] = [];
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const escape = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');
const memberOf = (parent: AnySchemaObject, name: string) => resolve((parent.properties as ContractSchema)?.[name]);

type Rule<D> = (data: D, parent: AnySchemaObject, path: string) => Partial<ErrorObject>[];

/** A keyword whose check `rule` gives its errors (an empty list when the data passes). */
function keyword<V, D>(
  ajv: Ajv,
  name: string,
  rule: (value: V, parent: AnySchemaObject) => Rule<D>,
  type: 'object' | 'array',
): void {
  ajv.addKeyword({
    keyword: name,
    type,
    errors: true,
    compile(value: unknown, parentSchema: AnySchemaObject) {
      const check = rule(value as V, parentSchema);
      const validate: DataValidateFunction = (data, cxt) => {
        const errors = check(data as D, parentSchema, cxt?.instancePath ?? '');
        validate.errors = errors.length ? errors.map((e) => ({ keyword: name, params: {}, ...e })) : undefined;
        return errors.length === 0;
      };
      return validate;
    },
  });
}

function addContractKeywords(ajv: Ajv): void {
  for (const annotation of ['x-messages', 'example', 'components']) ajv.addKeyword({ keyword: annotation });
  ajv.addFormat('date-time', { type: 'string', validate: isTimestamp });
  ajv.addFormat('uri', { type: 'string', validate: ABSOLUTE_URI });
  ajv.addFormat('json-media-type', { type: 'string', validate: JSON_MEDIA_TYPE });
  // {items: ['meter', 'quantity']}: when `items` is present, each of these is refused.
  keyword(
    ajv,
    'x-excludes',
    (rules: Record<string, string[]>) => {
      const entries = Object.entries(rules);
      return (data: Record<string, unknown>, parent, path) => {
        let errors: Partial<ErrorObject>[] = NONE;
        for (const [name, excluded] of entries) {
          if (!has(data, name)) continue;
          for (const member of excluded) {
            if (!has(data, member)) continue;
            if (errors === NONE) errors = [];
            errors.push({ instancePath: `${path}/${escape(member)}`, parentSchema: memberOf(parent, member) });
          }
        }
        return errors;
      };
    },
    'object',
  );
  // {items: ['meter', 'quantity']}: when `items` is absent, each of these is required.
  keyword(
    ajv,
    'x-required-unless',
    (rules: Record<string, string[]>) => {
      const entries = Object.entries(rules);
      return (data: Record<string, unknown>, parent, path) => {
        let errors: Partial<ErrorObject>[] = NONE;
        for (const [name, required] of entries) {
          if (has(data, name)) continue;
          for (const member of required) {
            if (has(data, member)) continue;
            if (errors === NONE) errors = [];
            const at = `${path}/${escape(member)}`;
            errors.push({ instancePath: at, parentSchema: memberOf(parent, member), params: { missingProperty: member } });
          }
        }
        return errors;
      };
    },
    'object',
  );
  // 'meter': each item's meter at most once; a repeat is named by its own place.
  keyword(
    ajv,
    'x-distinct',
    (member: string) => (data: unknown[], parent, path) => {
      const seen = new Set<unknown>();
      const errors: Partial<ErrorObject>[] = [];
      data.forEach((item, i) => {
        if (!isRecord(item) || typeof item[member] !== 'string') return;
        const value = item[member];
        if (!seen.has(value)) seen.add(value);
        else
          errors.push({
            instancePath: `${path}/${i}/${escape(member)}`,
            params: { value },
            parentSchema: memberOf(resolve(parent.items)!, member),
          });
      });
      return errors;
    },
    'array',
  );
  // The members no property declares, named as extension attributes: at most this many.
  keyword(
    ajv,
    'x-max-extensions',
    (max: number, schema) => {
      const extension = new RegExp(resolve(schema.additionalProperties)?.['x-extension-name'] as string, 'u');
      return (data: Record<string, unknown>, parent, path) => {
        let count = 0;
        for (const name in data) if (!Object.hasOwn(parent.properties as object, name) && extension.test(name)) count++;
        return count > max ? [{ instancePath: path, parentSchema: parent, params: { count } }] : NONE;
      };
    },
    'object',
  );
  // The name of an extension attribute (the member this schema describes): otherwise an unknown field.
  ajv.addKeyword({
    keyword: 'x-extension-name',
    errors: true,
    compile(pattern: string, parentSchema: AnySchemaObject) {
      const name = new RegExp(pattern, 'u');
      const validate: DataValidateFunction = (_data, cxt) => {
        const ok = typeof cxt?.parentDataProperty === 'string' && name.test(cxt.parentDataProperty);
        validate.errors = ok ? undefined : [{ keyword: 'x-extension-name', params: {}, parentSchema } as ErrorObject];
        return ok;
      };
      return validate;
    },
  });
}

/**
 * The contract compiled twice at module load, never on a request: `check` stops at the first
 * error (what a valid body costs: one walk), `explain` collects every error with its schema and
 * data, and runs only for a body already refused.
 */
function compileContract(allErrors: boolean): Ajv {
  const ajv = new Ajv({ allErrors, verbose: allErrors, strict: true, strictTypes: false, code: { esm: false } });
  addContractKeywords(ajv);
  ajv.addSchema({ $id: CONTRACT_ID, components: { schemas: USAGE_CONTRACT } });
  return ajv;
}

const check = compileContract(false);
const explain = compileContract(true);

export interface CompiledContract {
  check: ValidateFunction;
  explain: ValidateFunction;
}

/** One component of the contract, compiled both ways. */
export function compiled(component: keyof typeof USAGE_CONTRACT): CompiledContract {
  const schema = { $ref: `${CONTRACT_ID}${PREFIX}${component}` };
  return { check: check.compile(schema), explain: explain.compile(schema) };
}
