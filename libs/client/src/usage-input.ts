import { randomUUID } from 'node:crypto';
import { USAGE_TYPE, type ExtensionValue } from './contract';

/** One piece of usage as a producer reports it. */
export interface UsageInput {
  subject: string;
  meter: string;
  /** Whole units, at least 1. */
  quantity: number;
  /** Idempotency key within `source`; a random UUID if omitted. Reuse it when retrying. */
  id?: string;
  /** When the work happened; Tally uses the receive time if omitted. */
  time?: Date | string;
  /** Overrides the client's default source. */
  source?: string;
  /** CloudEvents extension attributes, such as `traceparent`; kept with the decision. */
  extensions?: Record<string, ExtensionValue>;
}

/** The CloudEvent (docs/contract.md §4.1) for a usage input. */
export interface UsageCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: typeof USAGE_TYPE;
  subject: string;
  time?: string;
  data: { meter: string; quantity: number };
  [extension: string]: unknown;
}

/** Builds the CloudEvent for an input, giving it an id if it has none. */
export function toCloudEvent(input: UsageInput, defaultSource: string): UsageCloudEvent {
  return {
    ...input.extensions,
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: input.source ?? defaultSource,
    type: USAGE_TYPE,
    subject: input.subject,
    ...(input.time ? { time: new Date(input.time).toISOString() } : {}),
    data: { meter: input.meter, quantity: input.quantity },
  };
}
