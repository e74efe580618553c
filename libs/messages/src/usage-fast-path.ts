import { NAME_PATTERN } from '@tally/events';
import { CORE_ATTRIBUTES } from './cloudevents-attributes';
import { isText, isTimestamp } from './field-rules';
import { USAGE_TOPIC } from './topics';

/** `datacontenttype`: JSON, media-type parameters allowed. */
export const JSON_MEDIA_TYPE = /^application\/json\s*(;[^\u0000-\u001f]*)?$/i;
/** `dataschema`: an absolute URI. */
export const ABSOLUTE_URI = /^[a-z][a-z0-9+.-]*:[^\s\u0000-\u001f]+$/i;

/** The largest quantity one request may carry; keeps every sum an exact integer. */
export const MAX_QUANTITY = 1_000_000_000_000;

/** The core attributes of a usage CloudEvent once validated (see `UsageCloudEvent`). */
export interface UsageEventFields {
  specversion: string;
  id: string;
  source: string;
  type: string;
  subject: string;
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data: { meter: string; quantity: number };
}

// The core attributes a usage event may carry: all of CloudEvents' but `data_base64` (data is JSON).
const EVENT_KEYS: ReadonlySet<string> = new Set([...CORE_ATTRIBUTES].filter((name) => name !== 'data_base64'));

/**
 * The hot path of usage validation: the core attributes of an event that is valid in the most
 * common way, checked with plain predicates, or null. It never refuses anything itself: null sends
 * the event through the class-validator contract, which names every bad field, so an event it
 * accepts is exactly one the contract accepts (same rules, same predicates) and every error a
 * client sees still comes from the contract. Decorators cost several times the checks they run.
 */
export function validUsageEvent(core: Record<string, unknown>): UsageEventFields | null {
  for (const key in core) if (!EVENT_KEYS.has(key)) return null;
  const { specversion, id, source, type, subject, time, datacontenttype, dataschema, data } = core;
  if (specversion !== '1.0' || type !== USAGE_TOPIC) return null;
  if (!isText(id, 1, 256) || !isText(source, 1, 256)) return null;
  if (typeof subject !== 'string' || !NAME_PATTERN.test(subject)) return null;
  if (time !== undefined && !(isTimestamp(time) && !Number.isNaN(Date.parse(time)))) return null;
  if (datacontenttype !== undefined && !(isText(datacontenttype, 1, 256) && JSON_MEDIA_TYPE.test(datacontenttype))) {
    return null;
  }
  if (dataschema !== undefined && !(isText(dataschema, 1, 2048) && ABSOLUTE_URI.test(dataschema))) return null;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const fields = data as Record<string, unknown>;
  for (const key in fields) if (key !== 'meter' && key !== 'quantity') return null;
  const { meter, quantity } = fields;
  if (typeof meter !== 'string' || !NAME_PATTERN.test(meter)) return null;
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) return null;
  return core as unknown as UsageEventFields;
}
