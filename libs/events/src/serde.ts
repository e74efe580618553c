import type { AccountEvent, AccountRootEvent } from './account-events';
import type { MeterEvent, SubjectEvent } from './catalog-events';

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

type Upcaster = (data: Record<string, unknown>) => TallyEvent;

const current =
  <T extends TallyEvent['type']>(type: T): Upcaster =>
  (data) =>
    ({ type, data }) as TallyEvent;

/**
 * Stored type name → reader. Names are explicit and versioned, never class names: when a
 * payload changes, add `X.v2` for writing and keep an upcaster from `X.v1` here.
 */
const readers: Record<string, Upcaster> = {
  'AccountOpened.v1': current('AccountOpened'),
  'PeriodStarted.v1': current('PeriodStarted'),
  'PeriodOpened.v1': current('PeriodOpened'),
  'PeriodClosed.v1': current('PeriodClosed'),
  'QuotaSet.v1': current('QuotaSet'),
  'CreditsGranted.v1': current('CreditsGranted'),
  // v2 added the optional CloudEvent attributes kept with a decision; a v1 payload simply has none.
  'UsageAccepted.v1': current('UsageAccepted'),
  'UsageAccepted.v2': current('UsageAccepted'),
  'UsageRejected.v1': current('UsageRejected'),
  'UsageRejected.v2': current('UsageRejected'),
  'UsageReversed.v1': current('UsageReversed'),
  'MeterDefined.v1': current('MeterDefined'),
  'SubjectMapped.v1': current('SubjectMapped'),
};

/** The version each type is written as; a type not listed is at v1. */
const WRITE_VERSIONS: Partial<Record<TallyEvent['type'], string>> = { UsageAccepted: 'v2', UsageRejected: 'v2' };

/** Maps an event to its stored form. */
export function serialize(event: TallyEvent): StoredEvent {
  const version = WRITE_VERSIONS[event.type] ?? 'v1';
  return { type: `${event.type}.${version}`, data: event.data as unknown as Record<string, unknown> };
}

/** Maps any stored version of an event to the current in-memory shape. */
export function deserialize(stored: StoredEvent): TallyEvent {
  const read = readers[stored.type];
  if (!read) throw new UnknownEventTypeError(stored.type);
  return read(stored.data);
}
