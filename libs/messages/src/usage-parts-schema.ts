import { NAME_PATTERN, NAME_RULE } from '@tally/events';
import type { ContractSchema } from './usage-schema';

// The parts of the usage contract that are usage items and extension attributes (see usage-schema.ts).

/** The largest quantity one request may carry; keeps every sum an exact integer. */
export const MAX_QUANTITY = 1_000_000_000_000;

const NAME = NAME_PATTERN.source;
const MAX_EXTENSION_LENGTH = 2048;
// An extension attribute's text: no C0 control character or DEL, no lone surrogate.
const EXTENSION_TEXT = '^[^\\u0000-\\u001f\\u007f\\ud800-\\udfff]*$';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const quantity = (example: number, description?: string): ContractSchema => ({
  type: 'integer',
  minimum: 1,
  maximum: MAX_QUANTITY,
  example,
  ...(description ? { description } : {}),
  'x-messages': [
    // A value of another type (a string "5", a missing quantity) is told its type alone.
    { maximum: `quantity must be at most ${MAX_QUANTITY}` },
    { minimum: 'quantity must be at least 1' },
    { type: 'quantity must be an integer', integer: 'quantity must be an integer' },
    { 'x-excludes': 'quantity and items exclude each other: send one' },
  ],
});

export const meter = (example: string): ContractSchema => ({
  type: 'string',
  pattern: NAME,
  example,
  'x-messages': [
    { type: 'meter must be a string', pattern: `meter ${NAME_RULE}` },
    { 'x-excludes': 'meter and items exclude each other: send one' },
  ],
});

export const item: ContractSchema = {
  type: 'object',
  properties: {
    meter: {
      type: 'string',
      pattern: NAME,
      example: 'llm-input-tokens',
      'x-messages': [
        {
          type: 'meter must be a string',
          pattern: `meter ${NAME_RULE}`,
          'x-distinct': 'meter {value} is already an item: each meter at most once',
        },
      ],
    },
    quantity: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_QUANTITY,
      example: 812,
      'x-messages': [
        {
          type: 'quantity must be an integer',
          integer: 'quantity must be an integer',
          minimum: `quantity must be from 1 to ${MAX_QUANTITY}`,
          maximum: `quantity must be from 1 to ${MAX_QUANTITY}`,
        },
      ],
    },
  },
  required: ['meter', 'quantity'],
  additionalProperties: false,
  'x-messages': [{ type: 'an item must be an object {meter, quantity}' }],
};

/** A list of usage items, `min` to `max` of them, each meter at most once. */
export function items(min: number, max: number, description: string): ContractSchema {
  const count = `items must hold ${min} to ${max} items, got {count}`;
  return {
    type: 'array',
    minItems: min,
    maxItems: max,
    description,
    items: ref('UsageItem'),
    'x-distinct': 'meter',
    'x-messages': [{ type: 'items must be an array', minItems: count, maxItems: count }],
  };
}

/** An extension attribute (CloudEvents type system). */
export const EXTENSION_ATTRIBUTE: ContractSchema = {
  description: 'an extension attribute (CloudEvents type system): a string, an integer or a boolean',
  anyOf: [
    {
      type: 'string',
      maxLength: MAX_EXTENSION_LENGTH,
      pattern: EXTENSION_TEXT,
      'x-messages': [
        {
          maxLength: `an extension attribute holds at most ${MAX_EXTENSION_LENGTH} characters`,
          pattern: 'an extension attribute must be text without control characters',
        },
      ],
    },
    {
      type: 'integer',
      minimum: Number.MIN_SAFE_INTEGER,
      maximum: Number.MAX_SAFE_INTEGER,
      'x-messages': [
        {
          integer: 'an extension attribute that is a number must be an integer',
          minimum: 'an extension attribute that is a number must be an integer',
          maximum: 'an extension attribute that is a number must be an integer',
        },
      ],
    },
    { type: 'boolean' },
  ],
  // CloudEvents 1.0: attribute names are lower-case ASCII letters and digits (we allow up to 64).
  'x-extension-name': '^(?!(?:constructor|prototype)$)[a-z0-9]{1,64}$',
  'x-messages': [{ type: 'an extension attribute must be a string, an integer or a boolean' }],
};
