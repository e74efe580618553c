import { randomUUID } from 'node:crypto';
import { USAGE_TYPE, type ExtensionValue, type UsageItem } from './contract';

/** One piece of usage as a producer reports it: one meter, or (multi-item) 2 to 20 items decided all or nothing. */
export type UsageInput = UsageFields & (SingleUsage | MultiItemUsage);

/** A usage of one meter. */
export interface SingleUsage {
  meter: string;
  /** Whole units, at least 1. */
  quantity: number;
  items?: never;
}

/** A multi-item usage: 2 to 20 items of distinct meters, accepted or rejected as one. */
export interface MultiItemUsage {
  items: UsageItem[];
  meter?: never;
  quantity?: never;
}

/** What every usage carries besides its units. */
export interface UsageFields {
  subject: string;
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
  data: { meter: string; quantity: number } | { items: UsageItem[] };
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
    data: input.items ? { items: input.items } : { meter: input.meter, quantity: input.quantity },
  };
}
