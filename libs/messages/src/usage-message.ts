import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Allow,
  Equals,
  IsInt,
  IsNotEmptyObject,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { NAME_PATTERN, NAME_RULE, type UsageMessage } from '@tally/events';
import { splitExtensions, usageAttributes } from './cloudevents-attributes';
import { USAGE_TOPIC } from './topics';
import { IsText, IsTimestamp } from './field-rules';
import { parseUsageItems } from './usage-items';
import { ABSOLUTE_URI, JSON_MEDIA_TYPE, MAX_QUANTITY, validUsageEvent } from './usage-fast-path';
import { boundFieldErrors, shapeErrors, validateAs, type Validated } from './validation';

export { MAX_QUANTITY } from './usage-fast-path';
export { parseUsageItems, type ItemBounds } from './usage-items';

// A usage whose `data` carries `items` is checked by `parseUsageItems` instead of these two fields.
// (The instance may own an `items` member left undefined by the class field, so its value decides.)
const single = (data: { items?: unknown }) => data.items === undefined;

/** `data` of a usage CloudEvent: a meter and its quantity, or (multi-item) `items`. */
export class UsageData {
  @ValidateIf(single)
  @IsString()
  @Matches(NAME_PATTERN, { message: `meter ${NAME_RULE}` })
  meter!: string;

  @ValidateIf(single)
  @IsInt({ message: 'quantity must be an integer' })
  @Min(1, { message: 'quantity must be at least 1' })
  @Max(MAX_QUANTITY, { message: `quantity must be at most ${MAX_QUANTITY}` })
  quantity!: number;

  @Allow()
  items?: unknown;
}

/** A usage request as producers send it, over HTTP or on `metering.usage.v1` (docs/contract.md §4.1). */
export class UsageCloudEvent {
  @Equals('1.0', { message: 'specversion must be "1.0"' })
  specversion!: string;

  @IsText(1, 256)
  id!: string;

  @IsText(1, 256)
  source!: string;

  @Equals(USAGE_TOPIC, { message: `type must be "${USAGE_TOPIC}"` })
  type!: string;

  @IsString()
  @Matches(NAME_PATTERN, { message: `subject ${NAME_RULE}` })
  subject!: string;

  @IsOptional()
  @IsTimestamp()
  time?: string;

  // `data` is JSON; media-type parameters (`; charset=utf-8`) are allowed and kept.
  @IsOptional()
  @IsText(1, 256)
  @Matches(JSON_MEDIA_TYPE, { message: 'datacontenttype must be application/json (parameters allowed)' })
  datacontenttype?: string;

  @IsOptional()
  @IsText(1, 2048)
  @Matches(ABSOLUTE_URI, { message: 'dataschema must be an absolute URI' })
  dataschema?: string;

  @IsObject()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => UsageData)
  data!: UsageData;
}

/** Validates one untrusted usage message; the same rules apply to HTTP and Kafka input. */
export function parseUsageMessage(input: unknown, field = ''): Validated<UsageMessage> {
  // Reserved keys (`__proto__`, `constructor`) and depth first: splitting the members would
  // otherwise assign `__proto__` instead of refusing it.
  const shape = shapeErrors(input, field);
  if (shape.length) return { ok: false, errors: shape };
  const split = isRecord(input) ? splitExtensions(input, field) : null;
  const data = split?.core.data;
  const items = isRecord(data) && Object.hasOwn(data, 'items') ? parseUsageItems(data, join(field, 'data')) : null;
  // Items that pass, alone in `data`, leave the rest of the event to the fast path as a usage of the first item.
  const core =
    split && items?.ok && Object.keys(data as object).length === 1 ? { ...split.core, data: items.value[0] } : split?.core;
  const fast = core && !split?.errors.length ? validUsageEvent(core) : null;
  const result = fast ? { ok: true as const, value: fast } : validateAs(UsageCloudEvent, split ? split.core : input, field);
  const errors = [...(result.ok ? [] : result.errors), ...(items && !items.ok ? items.errors : []), ...(split?.errors ?? [])];
  if (!result.ok || errors.length) return { ok: false, errors: boundFieldErrors(errors) };
  const event = result.value;
  if (event.time !== undefined && Number.isNaN(Date.parse(event.time))) {
    return { ok: false, errors: [{ field: join(field, 'time'), reason: 'time must be a valid date' }] };
  }
  return {
    ok: true,
    value: {
      source: event.source,
      id: event.id,
      subject: event.subject,
      ...(items?.ok
        ? { meter: items.value[0].meter, quantity: items.value[0].quantity, items: items.value }
        : { meter: event.data.meter, quantity: event.data.quantity }),
      time: event.time === undefined ? null : new Date(event.time).toISOString(),
      ...usageAttributes(event, split?.extensions ?? {}),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}
