import type { SchemaObject } from '@nestjs/swagger';

// Short builders for the hand-written component schemas.
export const int = (description?: string, example?: number): SchemaObject => ({
  type: 'integer',
  ...(description ? { description } : {}),
  ...(example !== undefined ? { example } : {}),
});
export const str = (example?: string, description?: string): SchemaObject => ({
  type: 'string',
  ...(example !== undefined ? { example } : {}),
  ...(description ? { description } : {}),
});
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
/**
 * A referenced schema, or null. OpenAPI 3.0 admits null only through `nullable` beside a `type`,
 * and a `$ref` or `allOf` beside it still refuses null: the null is its own alternative.
 */
export const refOrNull = (schema: { $ref: string }): SchemaObject => ({
  oneOf: [schema, { type: 'object', nullable: true, enum: [null] }],
});
export const object = (properties: Record<string, SchemaObject | { $ref: string }>, optional: string[] = []): SchemaObject => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
});
