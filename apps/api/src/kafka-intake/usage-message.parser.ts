import { isUtf8 } from 'node:buffer';
import { type UsageMessage } from '@tally/events';
import { decodeUtf8, describeFieldErrors, fromKafkaMessage, parseUsageMessage } from '@tally/messages';
import type { ConsumedHeaders } from '@tally/runtime';

/** Why a message could not be decided; the dead-letter headers carry both fields. */
export interface Rejection {
  code: 'EMPTY_MESSAGE' | 'MALFORMED_JSON' | 'VALIDATION_FAILED';
  detail: string;
}

export type Parsed = { ok: true; request: UsageMessage } | { ok: false; rejection: Rejection };

/**
 * Header values as text; a `ce_` attribute that is not UTF-8 is refused, not mangled into U+FFFD.
 * A header without a value (null) says nothing: it is read as absent.
 */
function headerTexts(
  headers: ConsumedHeaders,
): { ok: true; headers: Record<string, string | undefined> } | { ok: false; header: string } {
  const text: Record<string, string | undefined> = {};
  for (const [name, raw] of Object.entries(headers)) {
    const first = Array.isArray(raw) ? raw[0] : raw;
    const decoded = first === undefined || first === null ? undefined : typeof first === 'string' ? first : decodeUtf8(first);
    if (decoded === null) return { ok: false, header: name };
    text[name] = decoded;
  }
  return { ok: true, headers: text };
}

// Headers the CloudEvents Kafka binding reads beside the value: attributes and extensions, and a trace context.
const BOUND_HEADER = /^(ce_|traceparent$)/i;

/**
 * What {@link headerTexts} would refuse (the first header, in order, that is not UTF-8), else
 * whether any header says something about the event (a `ce_` attribute or a `traceparent`):
 * without one, a structured-mode value is the event as it is, and no header is decoded.
 */
function scanHeaders(headers: ConsumedHeaders): { ok: true; bound: boolean } | { ok: false; header: string } {
  let bound = false;
  for (const name in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, name)) continue;
    const raw = headers[name];
    const first = Array.isArray(raw) ? raw[0] : raw;
    // A header without a value (null) says nothing, bound or not.
    if (first === undefined || first === null) continue;
    if (typeof first !== 'string' && !isUtf8(first)) return { ok: false, header: name };
    if (!bound && BOUND_HEADER.test(name)) bound = true;
  }
  return { ok: true, bound };
}

/**
 * Reads a `metering.usage.v1` message in either CloudEvents Kafka mode: structured (the
 * whole event is the JSON value) or binary (attributes in `ce_` headers, `data` as the value),
 * then validates it exactly as HTTP input is validated. Extension headers (`ce_traceparent`)
 * are kept with the decision in both modes.
 */
export function parseKafkaUsage(value: Buffer | null, headers: ConsumedHeaders = {}): Parsed {
  if (value === null || value.length === 0)
    return { ok: false, rejection: { code: 'EMPTY_MESSAGE', detail: 'the message has no value' } };
  const body = decodeUtf8(value);
  if (body === null) return { ok: false, rejection: { code: 'MALFORMED_JSON', detail: 'the value is not UTF-8 (RFC 8259)' } };
  const scan = scanHeaders(headers);
  if (!scan.ok) return { ok: false, rejection: { code: 'VALIDATION_FAILED', detail: `${scan.header}: header is not UTF-8` } };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return {
      ok: false,
      rejection: { code: 'MALFORMED_JSON', detail: `the value is not valid JSON: ${(error as Error).message}` },
    };
  }
  // Without a bound header the message is structured mode with nothing to add: the value is the event.
  const parsed = parseUsageMessage(
    scan.bound ? fromKafkaMessage((headerTexts(headers) as { headers: Record<string, string | undefined> }).headers, json) : json,
  );
  return parsed.ok
    ? { ok: true, request: parsed.value }
    : { ok: false, rejection: { code: 'VALIDATION_FAILED', detail: describeFieldErrors(parsed.errors) } };
}
