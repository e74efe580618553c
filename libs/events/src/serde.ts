import type { AccountEvent, AccountRootEvent } from './account-events';
import type { MeterEvent, SubjectEvent } from './catalog-events';
import { completeTerms } from './quota-terms';

/** Every event Tally stores, in its current in-memory shape. */
export type TallyEvent = AccountEvent | AccountRootEvent | MeterEvent | SubjectEvent;

/** An event as the store holds it: a versioned type name and a JSON-safe payload. */
export interface StoredEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Thrown when the store holds a type this build cannot read; never skipped silently. */
export class UnknownEventTypeError extends Error {
  constructor(readonly storedType: string) {
    super(`unknown stored event type "${storedType}"`);
  }
}

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

const asIs: Upcaster = (data) => data;
// Decisions stored before keys were recorded do not know who reported them.
const withoutReporter: Upcaster = (data) => ({ ...data, reportedBy: null });

// Releases before terms were checked for null stored quotas with null fields; complete them.
const quotaSetTerms: Upcaster = (data) => ({ ...data, quota: completeTerms(data.quota) });
const carriedTerms: Upcaster = (data) => {
  const carried = data.carried as { quotas: Record<string, unknown> };
  const quotas = Object.fromEntries(Object.entries(carried.quotas).map(([meter, terms]) => [meter, completeTerms(terms)]));
  return { ...data, carried: { ...carried, quotas } };
};
// ...and meters with creditsPerUnit 0, which made the meter free for every account: now "no price".
const meterTerms: Upcaster = (data) => ({
  ...data,
  creditsPerUnit: typeof data.creditsPerUnit === 'number' && data.creditsPerUnit >= 1 ? data.creditsPerUnit : null,
  defaultQuota: data.defaultQuota === null || data.defaultQuota === undefined ? null : completeTerms(data.defaultQuota),
});

/**
 * Each type's version written now, and how every version ever written reads. Names are explicit
 * and versioned, never class names: when a payload changes, write `X.v(n+1)` and keep an
 * upcaster from every older version here, so old events keep reading.
 */
interface Versions {
  write: string;
  read: Readonly<Record<string, Upcaster>>;
}

const VERSIONS = new Map<TallyEvent['type'], Versions>([
  ['AccountOpened', { write: 'v1', read: { v1: asIs } }],
  ['PeriodStarted', { write: 'v1', read: { v1: asIs } }],
  ['PeriodOpened', { write: 'v1', read: { v1: carriedTerms } }],
  ['PeriodClosed', { write: 'v1', read: { v1: asIs } }],
  ['QuotaSet', { write: 'v1', read: { v1: quotaSetTerms } }],
  ['CreditsGranted', { write: 'v1', read: { v1: asIs } }],
  ['UsageAccepted', { write: 'v2', read: { v1: withoutReporter, v2: asIs } }],
  ['UsageRejected', { write: 'v2', read: { v1: withoutReporter, v2: asIs } }],
  ['UsageReversed', { write: 'v1', read: { v1: asIs } }],
  ['MeterDefined', { write: 'v1', read: { v1: meterTerms } }],
  ['SubjectMapped', { write: 'v1', read: { v1: asIs } }],
]);

// Stored type → reader; a Map, so a stored name such as "constructor.v1" is unknown, not Object.
const READERS = new Map<string, (data: Record<string, unknown>) => TallyEvent>(
  [...VERSIONS].flatMap(([type, { read }]) =>
    Object.entries(read).map(([version, upcast]) => [
      `${type}.${version}`,
      (data: Record<string, unknown>) => ({ type, data: upcast(data) }) as TallyEvent,
    ]),
  ),
);

/** Maps an event to its stored form, under its type's current version. */
export function serialize(event: TallyEvent): StoredEvent {
  const version = VERSIONS.get(event.type)?.write ?? 'v1';
  return { type: `${event.type}.${version}`, data: event.data as unknown as Record<string, unknown> };
}

/** Maps any stored version of an event to the current in-memory shape. */
export function deserialize(stored: StoredEvent): TallyEvent {
  const read = READERS.get(stored.type);
  if (!read) throw new UnknownEventTypeError(stored.type);
  return read(stored.data);
}
