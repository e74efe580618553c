import { type UsageRequest } from '@tally/events';
import { describeFieldErrors, fromKafkaMessage, parseUsageMessage } from '@tally/messages';
import type { IHeaders } from '@tally/runtime';

/** Why a message could not be decided; the dead-letter headers carry both fields. */
export interface Rejection {
  code: 'EMPTY_MESSAGE' | 'MALFORMED_JSON' | 'VALIDATION_FAILED';
  detail: string;
}

export type Parsed = { ok: true; request: UsageRequest } | { ok: false; rejection: Rejection };

function headerText(value: IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString('utf8');
}

/**
 * Reads a `metering.usage.v1` message in either CloudEvents Kafka mode: structured (the
 * whole event is the JSON value) or binary (attributes in `ce_` headers, `data` as the value),
 * then validates it exactly as HTTP input is validated. Extension headers (`ce_traceparent`)
 * are kept with the decision in both modes.
 */
export function parseKafkaUsage(value: Buffer | null, headers: IHeaders = {}): Parsed {
  if (value === null || value.length === 0)
    return { ok: false, rejection: { code: 'EMPTY_MESSAGE', detail: 'the message has no value' } };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      rejection: { code: 'MALFORMED_JSON', detail: `the value is not valid JSON: ${(error as Error).message}` },
    };
  }
  const text = Object.fromEntries(Object.entries(headers).map(([name, raw]) => [name, headerText(raw)]));
  const parsed = parseUsageMessage(fromKafkaMessage(text, json));
  return parsed.ok
    ? { ok: true, request: parsed.value }
    : { ok: false, rejection: { code: 'VALIDATION_FAILED', detail: describeFieldErrors(parsed.errors) } };
}
