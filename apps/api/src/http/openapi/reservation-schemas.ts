import type { SchemaObject } from '@nestjs/swagger';

// Components are referenced by name: this module must not import schemas.ts, which spreads it.
const component = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const string = (example: string, description?: string): SchemaObject => ({
  type: 'string',
  example,
  ...(description ? { description } : {}),
});
const integer = (example: number, description?: string): SchemaObject => ({
  type: 'integer',
  example,
  ...(description ? { description } : {}),
});

/** What the reservation routes take and answer, by component name. */
export const RESERVATION_SCHEMAS: Record<string, SchemaObject> = {
  Hold: {
    allOf: [
      component('Decision'),
      {
        type: 'object',
        properties: {
          expiresAt: string('2026-11-22T10:05:00.123Z', 'when the hold frees itself unless committed or released first'),
          creditsHeld: integer(0, 'credits kept for the hold (quantity × creditsPerUnit)'),
        },
        required: ['expiresAt', 'creditsHeld'],
      },
    ],
  },
  ReleasedHold: {
    type: 'object',
    properties: {
      account: string('acme'),
      source: string('geocoder'),
      id: string('job-42'),
      subject: string('alice'),
      meter: string('geocoding'),
      month: string('2026-11'),
      quantity: integer(10, 'the units that were held'),
      creditsHeld: integer(0),
      releasedAt: string('2026-11-22T10:01:00.000Z'),
      items: component('UsageItems'),
    },
    required: ['account', 'source', 'id', 'subject', 'meter', 'month', 'quantity', 'creditsHeld', 'releasedAt'],
  },
};
