/**
 * The CloudEvents HTTP and Kafka protocol bindings, reduced to what Tally needs: turn a
 * message (headers + parsed body) into plain attribute objects that the usage contract then
 * validates. Nothing is defaulted here: a binary message without `ce-id` has no `id`, and
 * validation says so (the SDK's own parser would invent a random id, and a retry would count twice).
 */

/** Structured mode's media type. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
/** Batch mode's media type (HTTP only). */
export const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';

/** Header values as Node's HTTP server or a Kafka client (as text) hand them over. */
export type MessageHeaders = Record<string, string | string[] | undefined>;

/** One event, or a batch of them (a JSON array when well formed), each still unvalidated. */
export type BoundMessage = { batch: false; event: unknown } | { batch: true; events: unknown };

/** The media type without its parameters, lower-cased: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0].trim().toLowerCase() || undefined;
}

function text(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// Binary-mode header values are percent-encoded where not printable ASCII (CloudEvents HTTP binding §3.1.3.2).
function decodeHeader(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `ce-*` (HTTP) or `ce_*` (Kafka) headers as attributes, names lower-cased. */
function attributeHeaders(headers: MessageHeaders, prefix: 'ce-' | 'ce_'): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    const value = text(raw);
    const lower = name.toLowerCase();
    if (value !== undefined && lower.startsWith(prefix) && lower.length > prefix.length) {
      attributes[lower.slice(prefix.length)] = decodeHeader(value);
    }
  }
  return attributes;
}

// The first header named `name` in any case (`name` is lower case), as Object.keys(…).find(…) found
// it, without the array of names: a request asks this ten times. Only a name of its length is lower-cased.
function header(headers: MessageHeaders, name: string): string | undefined {
  for (const key in headers) {
    if (!Object.hasOwn(headers, key) || key.length !== name.length) continue;
    if (key === name || key.toLowerCase() === name) return text(headers[key]);
  }
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// A trace context that travelled beside the event (the W3C `traceparent` header of the request,
// or a Kafka header) is kept as the event's `traceparent` extension unless the event has its own.
function withTrace(event: unknown, traceparent: string | undefined): unknown {
  if (traceparent === undefined || !isObject(event) || 'traceparent' in event) return event;
  return { ...event, traceparent };
}

function isBinary(headers: MessageHeaders, prefix: 'ce-' | 'ce_', type: string | undefined): boolean {
  if (type === CLOUDEVENTS_JSON || type === CLOUDEVENTS_BATCH_JSON) return false;
  return header(headers, `${prefix}specversion`) !== undefined || header(headers, `${prefix}id`) !== undefined;
}

/**
 * The `ce-*` headers a request carries more than once, from the server's distinct header values
 * (Node's `headersDistinct`): Node joins repeated values into `"a, b"`, which would pass for one
 * attribute, while an attribute has exactly one value (CloudEvents HTTP binding §3.1.3.1).
 */
export function repeatedAttributeHeaders(distinct: Record<string, string[] | undefined>): string[] {
  return Object.entries(distinct)
    .filter(([name, values]) => name.toLowerCase().startsWith('ce-') && (values?.length ?? 0) > 1)
    .map(([name]) => name.toLowerCase());
}

/**
 * Whether an HTTP message is a batch: batch mode's media type, or a JSON array outside binary mode
 * (where the body is the event's `data`). Told by the message's type alone, reading none of its events.
 */
export function isHttpBatch(headers: MessageHeaders, body: unknown): boolean {
  const type = mediaType(header(headers, 'content-type'));
  return !isBinary(headers, 'ce-', type) && (type === CLOUDEVENTS_BATCH_JSON || Array.isArray(body));
}

/**
 * One event of the HTTP binding: binary mode (attributes in `ce-*` headers, `data` as the body,
 * its media type as `datacontenttype`) or structured mode (`application/cloudevents+json`, or
 * plain JSON). For a message that is not a batch ({@link isHttpBatch}).
 */
export function eventFromHttp(headers: MessageHeaders, body: unknown): unknown {
  const contentType = header(headers, 'content-type');
  const traceparent = header(headers, 'traceparent');
  if (isBinary(headers, 'ce-', mediaType(contentType))) {
    const attributes = attributeHeaders(headers, 'ce-');
    const event = { ...attributes, ...(contentType ? { datacontenttype: contentType } : {}), data: body };
    return withTrace(event, traceparent);
  }
  return withTrace(body, traceparent);
}

/**
 * HTTP binding: one event (binary or structured mode, see {@link eventFromHttp}) or a batch
 * (`application/cloudevents-batch+json`, or a JSON array).
 */
export function fromHttpMessage(headers: MessageHeaders, body: unknown): BoundMessage {
  if (!isHttpBatch(headers, body)) return { batch: false, event: eventFromHttp(headers, body) };
  const traceparent = header(headers, 'traceparent');
  return { batch: true, events: Array.isArray(body) ? body.map((e) => withTrace(e, traceparent)) : body };
}

/**
 * Kafka binding: binary mode (attributes in `ce_*` headers, `content-type` as
 * `datacontenttype`, `data` as the value) or structured mode (the whole event as the value).
 * In structured mode, `ce_*` extension headers a producer's instrumentation added (such as
 * `ce_traceparent`) are kept as extensions where the event does not carry them itself.
 */
export function fromKafkaMessage(headers: MessageHeaders, value: unknown): unknown {
  const contentType = header(headers, 'content-type');
  const attributes = attributeHeaders(headers, 'ce_');
  if (isBinary(headers, 'ce_', mediaType(contentType))) {
    return { ...attributes, ...(contentType ? { datacontenttype: contentType } : {}), data: value };
  }
  if (!isObject(value)) return value;
  const extra = Object.entries(attributes).filter(([name]) => !(name in value) && !CORE_HEADER.has(name));
  // The value was parsed for this call alone: copied only to add what the headers carry.
  const event = extra.length > 0 ? { ...value, ...Object.fromEntries(extra) } : value;
  return withTrace(event, header(headers, 'traceparent'));
}

// In structured mode the value alone says what the event is; core attributes in headers are ignored.
const CORE_HEADER = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema']);
