import { NAME_PATTERN, NAME_RULE, USAGE_ITEMS } from '@tally/events';
import { TEXT_RULE } from './field-rules';
import { EXTENSION_ATTRIBUTE, item, items, meter, quantity } from './usage-parts-schema';

export { MAX_QUANTITY } from './usage-parts-schema';
import { USAGE_TOPIC } from './topics';

/**
 * The usage contract (docs/contract.md §4.1) as JSON Schema in OpenAPI 3.0's dialect: the one
 * description `usage-contract.ts` compiles to validate every usage body (HTTP and Kafka) and the
 * OpenAPI document serves. What JSON Schema cannot say is an `x-` keyword ajv is taught
 * (`x-excludes`, `x-required-unless`, `x-distinct`, `x-extension-name`, `x-max-extensions`; the
 * formats `date-time`, `uri` and `json-media-type` are Tally's readings of them), and
 * `x-messages` holds what a 400 says: one entry per rule of a field, each the reason its first
 * failing keyword gives (`type` also when the field is missing or of another JSON type,
 * `integer` for a number that is not whole, `required` for a missing one where it differs, null: no reason).
 */
export type ContractSchema = { [keyword: string]: unknown };

/** Largest batch POST /v1/usage takes. */
export const MAX_USAGE_BATCH = 1000;
/** How long a hold lasts when the producer does not say, and the bounds it may ask for (docs/contract.md §3.5). */
export const HOLD_TTL_SECONDS = { default: 300, min: 1, max: 3600 };
/** `datacontenttype`: JSON, media-type parameters allowed. */
export const JSON_MEDIA_TYPE = /^application\/json\s*(;[^\u0000-\u001f]*)?$/i;
/** `dataschema`: an absolute URI. */
export const ABSOLUTE_URI = /^[a-z][a-z0-9+.-]*:[^\s\u0000-\u001f]+$/i;

// TEXT_RULE as a pattern (ajv compiles patterns with the u flag): no C0/C1 control character, no lone surrogate.
const TEXT = '^[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]*$';
const NAME = NAME_PATTERN.source;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * The one rule of a TEXT_RULE field, `min` to `max` characters, with the messages `@IsText` gave:
 * one reason, the first that fails (its type, its length, its text, then `more`), so that a fault
 * that breaks two keywords (a control character in a media type) is told once.
 */
function textRule(field: string, min: number, max: number, more: Record<string, string> = {}): Array<Record<string, string>> {
  const length = `${field} must be ${min} to ${max} characters long`;
  return [{ type: `${field} must be a string`, minLength: length, maxLength: length, pattern: `${field} ${TEXT_RULE}`, ...more }];
}

/** A string field following TEXT_RULE, `min` to `max` characters. */
function text(field: string, min: number, max: number, example: string, description?: string): ContractSchema {
  return {
    type: 'string',
    minLength: min,
    maxLength: max,
    pattern: TEXT,
    example,
    ...(description ? { description } : {}),
    'x-messages': textRule(field, min, max),
  };
}

const usageData = (extra: Record<string, ContractSchema> = {}): ContractSchema => ({
  type: 'object',
  properties: { meter: meter('geocoding'), quantity: quantity(3), items: ref('UsageItems'), ...extra },
  additionalProperties: false,
  'x-excludes': { items: ['meter', 'quantity'] },
  'x-required-unless': { items: ['meter', 'quantity'] },
  // One rule: data of another type (an array, null, a string) is told so once.
  'x-messages': [{ type: 'data must be an object' }],
});

const equals = (field: string, value: string): ContractSchema => ({
  type: 'string',
  enum: [value],
  'x-messages': [{ type: `${field} must be "${value}"`, enum: `${field} must be "${value}"` }],
});

const usageEvent = (data: string): ContractSchema => ({
  type: 'object',
  description:
    'CloudEvents 1.0; any other lower-case member is an extension attribute (a string, an integer or a boolean, e.g. traceparent), kept with the decision',
  properties: {
    specversion: equals('specversion', '1.0'),
    id: text('id', 1, 256, 'u-123', 'unique per source: a retry with the same source + id counts once'),
    source: text('source', 1, 256, 'geocoder'),
    type: equals('type', USAGE_TOPIC),
    subject: {
      type: 'string',
      pattern: NAME,
      example: 'alice',
      'x-messages': [{ type: 'subject must be a string', pattern: `subject ${NAME_RULE}` }],
    },
    time: {
      type: 'string',
      format: 'date-time',
      nullable: true,
      example: '2026-11-22T10:00:00Z',
      description: 'RFC 3339; the receive time if absent',
      'x-messages': [
        {
          type: 'time must be an RFC 3339 timestamp of a real date and time',
          format: 'time must be an RFC 3339 timestamp of a real date and time',
        },
      ],
    },
    datacontenttype: {
      ...text('datacontenttype', 1, 256, 'application/json; charset=utf-8'),
      format: 'json-media-type',
      nullable: true,
      'x-messages': textRule('datacontenttype', 1, 256, {
        format: 'datacontenttype must be application/json (parameters allowed)',
      }),
    },
    dataschema: {
      ...text('dataschema', 1, 2048, 'https://schemas.example.com/usage/v1.json'),
      format: 'uri',
      nullable: true,
      'x-messages': textRule('dataschema', 1, 2048, { format: 'dataschema must be an absolute URI' }),
    },
    data: ref(data),
  },
  required: ['specversion', 'id', 'source', 'type', 'subject', 'data'],
  additionalProperties: ref('ExtensionAttribute'),
  'x-max-extensions': 32,
  'x-messages': [{ type: 'must be a JSON object', 'x-max-extensions': 'at most 32 extension attributes are kept' }],
});

/** The usage contract's schemas, by OpenAPI component name; `$ref`s point between them. */
export const USAGE_CONTRACT: Record<string, ContractSchema> = {
  UsageItem: item,
  UsageItems: items(
    USAGE_ITEMS.min,
    USAGE_ITEMS.max,
    'a multi-item usage: 2 to 20 items of distinct meters, decided all or nothing (instead of meter + quantity)',
  ),
  CommitItems: items(
    1,
    20,
    'for a hold of a multi-item usage (instead of quantity): units used per held meter, each at most those held; 1 to 20 items, each meter once; a held meter not named used none; every item in full when absent',
  ),
  UsageData: usageData(),
  ReservationData: usageData({
    ttlSeconds: {
      type: 'integer',
      minimum: HOLD_TTL_SECONDS.min,
      maximum: HOLD_TTL_SECONDS.max,
      default: HOLD_TTL_SECONDS.default,
      example: 60,
      description: 'how long the hold lasts',
      'x-messages': [
        {
          type: 'ttlSeconds must be an integer from 1 to 3600',
          integer: 'ttlSeconds must be an integer from 1 to 3600',
          minimum: 'ttlSeconds must be an integer from 1 to 3600',
          maximum: 'ttlSeconds must be an integer from 1 to 3600',
        },
      ],
    },
  }),
  ExtensionAttribute: EXTENSION_ATTRIBUTE,
  UsageCloudEvent: usageEvent('UsageData'),
  // A reservation is a usage CloudEvent whose data may add ttlSeconds.
  ReservationCloudEvent: usageEvent('ReservationData'),
  UsageBatch: {
    type: 'array',
    minItems: 1,
    maxItems: MAX_USAGE_BATCH,
    items: ref('UsageCloudEvent'),
    'x-messages': [
      {
        type: 'a batch is a JSON array of events',
        minItems: `a batch holds 1 to ${MAX_USAGE_BATCH} events, got {count}`,
        maxItems: `a batch holds 1 to ${MAX_USAGE_BATCH} events, got {count}`,
      },
    ],
  },
  // The part of POST /v1/reservations/commit that is usage items (the DTO checks the rest).
  CommitItemsBody: {
    type: 'object',
    properties: {
      quantity: { 'x-messages': [{ 'x-excludes': 'quantity and items exclude each other: send one' }] },
      items: ref('CommitItems'),
    },
    'x-excludes': { items: ['quantity'] },
  },
};
