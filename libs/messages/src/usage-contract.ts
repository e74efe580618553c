import type { ExtensionValue, UsageItem, UsageMessage } from '@tally/events';
import { usageAttributes } from './cloudevents-attributes';
import { compiled, type CompiledContract } from './contract-compiler';
import { fieldErrors } from './contract-errors';
import { USAGE_CONTRACT } from './usage-schema';
import { boundFieldErrors, shapeErrors, type FieldError, type Validated } from './validation';

// The usage contract, compiled once at module load (usage-schema.ts says what it is).
const USAGE = compiled('UsageCloudEvent');
const HOLD = compiled('ReservationCloudEvent');
const COMMIT_ITEMS = compiled('CommitItemsBody');

interface UsageEvent {
  id: string;
  source: string;
  subject: string;
  time?: string | null;
  datacontenttype?: string;
  dataschema?: string;
  data: { meter: string; quantity: number; items?: UsageItem[]; ttlSeconds?: number };
  [extension: string]: unknown;
}

const CORE = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'data']);

/**
 * `input` checked against one component: one walk when it is valid. A refused input is walked
 * again for every reason: first for its shape (depth, width, reserved keys, which answer alone,
 * as for every contract), then by the compiled schema collecting all its errors.
 */
function validate<T>(contract: CompiledContract, component: string, input: unknown, field: string): Validated<T> {
  if (contract.check(input)) return { ok: true, value: input as T };
  const shape = shapeErrors(input, field);
  if (shape.length) return { ok: false, errors: shape };
  contract.explain(input);
  const errors = fieldErrors(contract.explain.errors ?? [], input, USAGE_CONTRACT[component], field);
  return { ok: false, errors: boundFieldErrors(errors) };
}

/** A valid event as the message Tally decides. */
function usageMessage(event: UsageEvent, field: string): Validated<UsageMessage> {
  // Calendar-valid RFC 3339 that Date cannot place (or null): the one rule left after the schema.
  const time = event.time === undefined ? null : Date.parse(event.time as string);
  if (Number.isNaN(time))
    return { ok: false, errors: [{ field: field ? `${field}.time` : 'time', reason: 'time must be a valid date' }] };
  const extensions: Record<string, ExtensionValue> = {};
  for (const name in event) if (!CORE.has(name)) extensions[name] = event[name] as ExtensionValue;
  const { items, meter, quantity } = event.data;
  return {
    ok: true,
    value: {
      source: event.source,
      id: event.id,
      subject: event.subject,
      ...(items
        ? {
            meter: items[0].meter,
            quantity: items[0].quantity,
            items: items.map((i) => ({ meter: i.meter, quantity: i.quantity })),
          }
        : { meter, quantity }),
      time: time === null ? null : new Date(time).toISOString(),
      ...usageAttributes(event, extensions),
    },
  };
}

/** Validates one untrusted usage message; the same rules apply to HTTP and Kafka input. */
export function parseUsageMessage(input: unknown, field = ''): Validated<UsageMessage> {
  const event = validate<UsageEvent>(USAGE, 'UsageCloudEvent', input, field);
  return event.ok ? usageMessage(event.value, field) : event;
}

/**
 * What is wrong with a batch as a whole (not an array, or not 1 to MAX_USAGE_BATCH events),
 * named as the body (''), or null: checked by its length alone, before any event is looked at.
 */
export function batchSizeError(input: unknown): FieldError | null {
  const batch = USAGE_CONTRACT.UsageBatch;
  if (Array.isArray(input) && input.length >= (batch.minItems as number) && input.length <= (batch.maxItems as number)) {
    return null;
  }
  const [rule] = batch['x-messages'] as Array<Record<string, string>>;
  const reason = Array.isArray(input) ? rule.minItems.replace('{count}', String(input.length)) : rule.type;
  return { field: '', reason };
}

/** A batch of usage messages, all or nothing: every bad event is named by its place (`[3].data.quantity`). */
export function parseUsageBatch(input: unknown): Validated<UsageMessage[]> {
  const size = batchSizeError(input);
  if (size) return { ok: false, errors: [size] };
  const errors: FieldError[] = [];
  const messages: UsageMessage[] = [];
  (input as unknown[]).forEach((event, i) => {
    const parsed = parseUsageMessage(event, `[${i}]`);
    if (parsed.ok) messages.push(parsed.value);
    else errors.push(...parsed.errors);
  });
  return errors.length ? { ok: false, errors: boundFieldErrors(errors) } : { ok: true, value: messages };
}

/** A reservation: a usage CloudEvent whose `data` may add `ttlSeconds` (defaulted). */
export function parseHoldMessage(input: unknown): Validated<{ usage: UsageMessage; ttlSeconds: number }> {
  const event = validate<UsageEvent>(HOLD, 'ReservationCloudEvent', input, '');
  if (!event.ok) return event;
  const { ttlSeconds, ...data } = event.value.data;
  const usage = usageMessage({ ...event.value, data }, '');
  const ttl = (USAGE_CONTRACT.ReservationData.properties as Record<string, { default: number }>).ttlSeconds.default;
  return usage.ok ? { ok: true, value: { usage: usage.value, ttlSeconds: ttlSeconds ?? ttl } } : usage;
}

/** A commit's `items` (1 to 20, each meter once, instead of `quantity`); null when absent. */
export function parseCommitItems(body: { quantity?: unknown; items?: unknown }): Validated<UsageItem[] | null> {
  if (body.items === undefined) return { ok: true, value: null };
  const parsed = validate<{ items: UsageItem[] }>(
    COMMIT_ITEMS,
    'CommitItemsBody',
    { quantity: body.quantity, items: body.items },
    '',
  );
  return parsed.ok ? { ok: true, value: parsed.value.items.map((i) => ({ meter: i.meter, quantity: i.quantity })) } : parsed;
}
