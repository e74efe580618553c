import type { SchemaObject } from '@nestjs/swagger';
import { USAGE_CONTRACT, type ContractSchema } from '@tally/messages';

// The usage request schemas are the usage contract itself (libs/messages/src/usage-schema.ts), the
// schema every usage body is validated against; only what generators need is added here.

/** `x-required-unless` said the way OpenAPI tools read it: the members of one alternative or the other. */
function withAlternatives(schema: ContractSchema): ContractSchema {
  const rules = schema['x-required-unless'] as Record<string, string[]> | undefined;
  if (!rules) return schema;
  const [[instead, members]] = Object.entries(rules);
  return { ...schema, oneOf: [{ required: members }, { required: [instead] }] };
}

// Components of the contract that validate part of a body documented by its DTO (the commit's items).
const INTERNAL = new Set(['CommitItemsBody', 'CommitItems']);

/** Schemas of the usage CloudEvent, in each mode of the HTTP binding, by component name. */
export const USAGE_SCHEMAS: Record<string, SchemaObject> = Object.fromEntries(
  Object.entries(USAGE_CONTRACT)
    .filter(([name]) => !INTERNAL.has(name))
    .map(([name, schema]) => [name, withAlternatives(schema) as SchemaObject]),
);
