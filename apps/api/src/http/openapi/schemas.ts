import type { SchemaObject } from '@nestjs/swagger';
import { QUOTA_PERIODS, REJECT_REASONS } from '@tally/events';
import { int, nullable, object, refOrNull, str } from './schema-builders';
import type { USAGE_SCHEMAS } from './usage-schemas';
import { RESERVATION_SCHEMAS } from './reservation-schemas';
import { CREDIT_SCHEMAS } from './credit-schemas';

/** A reference to one of {@link RESPONSE_SCHEMAS} or of the usage schemas. */
export const ref = (name: keyof typeof RESPONSE_SCHEMAS | keyof typeof USAGE_SCHEMAS) => ({
  $ref: `#/components/schemas/${name}`,
});

const extensions: SchemaObject = {
  type: 'object',
  description: 'CloudEvents extension attributes the usage carried (present only if it carried some)',
  additionalProperties: { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'boolean' }] },
  example: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
};

// A multi-item usage's line per item (present only for one): the fields a single decision has, per meter.
const lines: SchemaObject = {
  type: 'array',
  description:
    "a multi-item usage's lines, one per item in the order sent; the decision's own fields are then the first item's, or for a rejection the failing item's",
  items: object({
    meter: str('llm-output-tokens'),
    quantity: int(undefined, 210),
    usage: int(undefined, 9210),
    limit: nullable(int(undefined, 100000)),
    remaining: nullable(int(undefined, 90790)),
    overage: int(undefined, 0),
  }),
};

const decision = object(
  {
    id: str('u-123'),
    source: str('geocoder'),
    subject: str('alice'),
    account: str('acme'),
    meter: str('geocoding'),
    quantity: int(undefined, 3),
    decision: { type: 'string', enum: ['accepted', 'rejected'] },
    reason: { type: 'string', enum: [...REJECT_REASONS], description: 'why a usage was rejected' },
    limitedBy: str('acme', 'for an account in a tree: the account (itself or an ancestor) whose rule decided the rejection'),
    overage: int('units of this request above a soft limit', 0),
    usage: int("usage of the quota's period after the decision (before it, for a rejection)", 603),
    limit: nullable(int('null = unlimited', 1000)),
    remaining: nullable(int(undefined, 397)),
    decidedAt: str('2026-11-22T10:00:00.123Z'),
    reportedBy: nullable(str('7f0c…', 'id of the API key (or "kafka") that reported the usage; null before keys were recorded')),
    retryAfterMs: int('for RATE_LIMITED: milliseconds until the rate limit admits the quantity; absent when it never will', 200),
    extensions,
    dataschema: str('https://schemas.example.com/usage/v1.json'),
    datacontenttype: str('application/json; charset=utf-8'),
    items: lines,
  },
  ['reason', 'limitedBy', 'reportedBy', 'retryAfterMs', 'extensions', 'dataschema', 'datacontenttype', 'items'],
);

const quotaTerms = {
  limit: nullable(int('null = unlimited, 0 = meter disabled', 1000)),
  enforcement: { type: 'string', enum: ['hard', 'soft'] } as SchemaObject,
  period: {
    type: 'string',
    enum: [...QUOTA_PERIODS],
    description: 'UTC day, ISO week (from Monday 00:00), month or year of the event time; none = cumulative capacity',
  } as SchemaObject,
  anchor: nullable(
    str(
      '2026-01-15T09:00:00.000Z',
      "month and year only: periods start at this instant's day of month (and month, for year) and time of day, UTC; " +
        "a day past a month's end falls on its last day; null = calendar periods",
    ),
  ),
  blockSize: int(undefined, 1000),
  blockPrice: str('0.50', 'exact decimal'),
  includedUnits: int(undefined, 0),
  currency: str('USD'),
  alertAt: {
    type: 'array',
    items: { type: 'integer', minimum: 1, maximum: 1000 },
    maxItems: 10,
    description: 'percentages of the limit that raise an alert once per period',
    example: [80, 100],
  } as SchemaObject,
  rateLimit: nullable({
    ...object({
      units: { type: 'integer', minimum: 1, example: 10, description: 'tokens refilled every `per`, continuously' },
      per: { type: 'string', enum: ['second', 'minute', 'hour'] },
      burst: { type: 'integer', minimum: 1, example: 20, description: 'tokens the bucket holds at most' },
    }),
    description: 'a token bucket on decision time; null = none',
  }),
};

/** Schemas of what routes answer, by component name. */
export const RESPONSE_SCHEMAS: Record<string, SchemaObject> = {
  Decision: decision,
  DecisionBatch: object({ results: { type: 'array', items: ref('Decision') } }),
  UsageCheck: object(
    {
      allowed: { type: 'boolean' },
      reason: { type: 'string', enum: [...REJECT_REASONS] },
      usage: int(undefined, 600),
      limit: nullable(int(undefined, 1000)),
      remaining: nullable(int(undefined, 400)),
      retryAfterMs: int('for RATE_LIMITED: milliseconds until the rate limit admits the quantity', 200),
      meter: str('llm-output-tokens', 'for a multi-item usage: the item the figures are of (the failing one, if any)'),
      items: lines,
    },
    ['reason', 'retryAfterMs', 'meter', 'items'],
  ),
  Reversal: object(
    {
      account: str('acme'),
      source: str('geocoder'),
      id: str('u-123'),
      subject: str('alice'),
      meter: str('geocoding'),
      quantity: int(undefined, 3),
      month: str('2026-11'),
      creditsRefunded: int(undefined, 0),
      reason: nullable(str('duplicate billing')),
      reversedAt: str('2026-11-22T10:05:00.000Z'),
      items: {
        type: 'array',
        description: "a multi-item usage's lines, each returned to its meter",
        items: object({ meter: str('llm-output-tokens'), quantity: int(undefined, 210), creditsRefunded: int(undefined, 0) }),
      },
    },
    ['subject', 'items'],
  ),
  QuotaTerms: object(quotaTerms),
  QuotaStatus: object(
    {
      meter: str('geocoding'),
      ...quotaTerms,
      usage: int(
        "units counted against the limit in the period: for an account with members below it in a tree, its whole subtree's",
        600,
      ),
      reserved: int(
        "units held by live reservations in the period (its subtree's, for a parent); they count against the limit",
        0,
      ),
      remaining: nullable(int(undefined, 400)),
      overage: int(undefined, 0),
      periodStart: nullable(str('2026-11-01T00:00:00.000Z')),
      periodEnd: nullable(str('2026-12-01T00:00:00.000Z')),
      own: {
        ...object({
          usage: int("the account's own decisions' units, without its subtree's", 250),
          reserved: int('units its own live reservations hold', 0),
        }),
        description:
          'only for an account with members below it in a tree (current reads, not `asOf`): its own part of `usage` and `reserved`',
      },
    },
    ['own'],
  ),
  ...CREDIT_SCHEMAS,
  ...RESERVATION_SCHEMAS,
  Meter: object(
    {
      meter: str('geocoding'),
      description: nullable(str('Forward geocoding')),
      creditsPerUnit: nullable(int(undefined, 2)),
      defaultQuota: refOrNull(ref('QuotaTerms')),
      updatedAt: str('2026-11-22T10:00:00.000Z'),
    },
    ['updatedAt'],
  ),
  SubjectMapping: object({ subject: str('alice'), account: str('acme') }),
  UsageLine: object(
    {
      month: str('2026-11'),
      meter: str('geocoding'),
      subject: str('alice'),
      units: int(undefined, 600),
      requests: int(undefined, 1),
      rejected: int(undefined, 0),
    },
    ['subject'],
  ),
  BillingLine: object(
    {
      account: str('acme'),
      meter: str('geocoding'),
      month: str('2026-11'),
      units: int(undefined, 600),
      billableUnits: int(undefined, 400),
      blocks: int(undefined, 4),
      blockSize: int(undefined, 100),
      blockPrice: str('0.50'),
      amount: str('2.00'),
      currency: str('USD'),
      periodStart: str(
        '2026-11-15T09:00:00.000Z',
        'a period other than the calendar month (day, week, year, anchored month): its first instant; it starts in `month`',
      ),
      periodEnd: str('2026-12-15T09:00:00.000Z', 'the first instant after that period'),
    },
    ['periodStart', 'periodEnd'],
  ),
  DecisionLogEntry: {
    allOf: [
      ref('Decision'),
      object({
        position: str('00000000000000001234', "the entry's place in the store's order; pass it as `before` for the next page"),
        reversedAt: nullable(str('2026-11-22T10:05:00.000Z')),
        reversalReason: nullable(str('test traffic')),
        reservation: nullable({
          ...object({
            held: int('units held', 300),
            expiresAt: str('2026-11-22T10:05:00.000Z'),
            status: { type: 'string', enum: ['held', 'committed', 'released'] },
          }),
          description:
            'a reservation: held units until expiresAt, and how it ended (held past expiresAt = expired); null for a plain usage',
        }),
      }),
    ],
  },
  AccountTree: object({
    account: str('team-a'),
    parent: nullable(str('acme', 'null for the root of a tree (or an account without one)')),
    children: { type: 'array', items: { type: 'string' }, example: ['team-a-1'] },
    depth: int('levels from the root, counting it: 1 for a root', 2),
  }),
  AccountSummary: object({
    account: str('acme'),
    quotas: int("the account's own quotas", 2),
    balance: int(undefined, 40),
    lastDecisionAt: nullable(str('2026-11-22T10:00:00.123Z')),
  }),
  ApiKey: object({
    id: str('7f0c…'),
    name: str('geocoder'),
    role: { type: 'string', enum: ['admin', 'producer', 'finance'] },
    source: nullable(str('geocoder', 'the only source the key may report under')),
    createdAt: str('2026-11-22T10:00:00.000Z'),
    lastUsedAt: nullable(str('2026-11-22T10:05:00.000Z')),
  }),
  CreatedApiKey: object({
    id: str('7f0c…'),
    name: str('geocoder'),
    role: { type: 'string', enum: ['admin', 'producer', 'finance'] },
    source: nullable(str('geocoder', 'the only source the key may report under')),
    token: str('tly_…', 'shown once; only its hash is stored'),
  }),
  Problem: object(
    {
      type: str('urn:tally:problem:validation-failed'),
      title: str('Invalid request'),
      status: int(undefined, 400),
      detail: str('data.quantity: quantity must be at least 1'),
      code: str('VALIDATION_FAILED'),
      errors: {
        type: 'array',
        items: object({ field: str('data.quantity'), reason: str('quantity must be at least 1') }),
      },
    },
    ['errors'],
  ),
  Health: object({ status: str('ok') }),
  Readiness: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['ready', 'not ready'] } },
    required: ['status'],
    additionalProperties: { type: 'string' },
    example: { status: 'ready', eventStore: 'ok', database: 'ok' },
  },
};
