import type { SchemaObject } from '@nestjs/swagger';
import { object, str } from './schema-builders';
import { ref } from './schemas';

/** A multi-item usage's items, instead of `meter` + `quantity`: decided all or nothing. */
const usageItems: SchemaObject = {
  type: 'array',
  minItems: 2,
  maxItems: 20,
  description: 'a multi-item usage: 2 to 20 items of distinct meters, decided all or nothing (instead of meter + quantity)',
  items: {
    ...object({ meter: str('llm-input-tokens'), quantity: { type: 'integer', minimum: 1, maximum: 1e12, example: 812 } }),
    additionalProperties: false,
  },
};

/** Schemas of the usage CloudEvent, in each mode of the HTTP binding. */
export const USAGE_SCHEMAS: Record<string, SchemaObject> = {
  UsageItems: usageItems,
  UsageData: {
    type: 'object',
    properties: {
      meter: str('geocoding'),
      quantity: { type: 'integer', minimum: 1, maximum: 1e12, example: 3 },
      items: ref('UsageItems'),
    },
    oneOf: [{ required: ['meter', 'quantity'] }, { required: ['items'] }],
    additionalProperties: false,
  },
  UsageCloudEvent: {
    ...object(
      {
        specversion: { type: 'string', enum: ['1.0'] },
        id: str('u-123', 'unique per source: a retry with the same source + id counts once'),
        source: str('geocoder'),
        type: { type: 'string', enum: ['metering.usage.v1'] },
        subject: str('alice'),
        time: str('2026-11-22T10:00:00Z', 'RFC 3339; the receive time if absent'),
        datacontenttype: str('application/json; charset=utf-8'),
        dataschema: str('https://schemas.example.com/usage/v1.json'),
        data: ref('UsageData'),
      },
      ['time', 'datacontenttype', 'dataschema'],
    ),
    description:
      'CloudEvents 1.0; any other lower-case member is an extension attribute (a string, an integer or a boolean, e.g. traceparent), kept with the decision',
    additionalProperties: true,
  },
  UsageBatch: { type: 'array', minItems: 1, maxItems: 1000, items: ref('UsageCloudEvent') },
};

// A reservation is a usage CloudEvent whose data may add ttlSeconds.
USAGE_SCHEMAS.ReservationCloudEvent = {
  ...USAGE_SCHEMAS.UsageCloudEvent,
  properties: { ...USAGE_SCHEMAS.UsageCloudEvent.properties, data: ref('ReservationData') },
};
