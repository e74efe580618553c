import type { AccountEvent, AccountRootEvent } from './account-events';
import type { MeterEvent, SubjectEvent } from './catalog-events';
import { completeTerms } from './quota-terms';
import { DEFAULT_GRANT_PRIORITY, type CarriedGrant } from './credit-events';

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

/** The name of an event type, without its version. */
export type EventType = TallyEvent['type'];
/** The current in-memory payload of an event type. */
export type EventData<T extends EventType> = Extract<TallyEvent, { type: T }>['data'];
/** A payload as some release stored it: JSON, read through the reader of its version. */
export type StoredPayload = Record<string, unknown>;

type Reader<T extends EventType> = (data: StoredPayload) => EventData<T>;

/** Each type's version written now (one of those it reads) and a reader for every version ever written. */
interface Codec<T extends EventType, V extends string> {
  write: V;
  read: Readonly<Record<V, Reader<T>>>;
}

function codec<T extends EventType>() {
  return <V extends string>(write: NoInfer<V>, read: Record<V, Reader<T>>): Codec<T, V> => ({ write, read });
}

// The payload of this version is the current shape: nothing to upcast.
const asIs =
  <T extends EventType>(): Reader<T> =>
  (data) =>
    data as EventData<T>;
// Decisions stored before keys were recorded do not know who reported them.
const withoutReporter =
  <T extends 'UsageAccepted' | 'UsageRejected'>(): Reader<T> =>
  (data) =>
    ({ ...data, reportedBy: null }) as EventData<T>;

// Releases before terms were checked for null stored quotas with null fields; complete them.
const quotaSetTerms: Reader<'QuotaSet'> = (data) => ({ ...(data as EventData<'QuotaSet'>), quota: completeTerms(data.quota) });
const carriedTerms: Reader<'PeriodOpened'> = (data) => {
  const stored = data as EventData<'PeriodOpened'>;
  const quotas = Object.fromEntries(
    Object.entries(stored.carried.quotas as Record<string, unknown>).map(([meter, terms]) => [meter, completeTerms(terms)]),
  );
  return { ...stored, carried: { ...stored.carried, quotas } };
};
// Periods opened before grants carried one balance: it reads as one grant of what was left, with
// no expiry and the default priority, so that the balance is still the sum of the live grants.
const carriedWallet: Reader<'PeriodOpened'> = (data) => {
  const opened = carriedTerms(data);
  const { balance, granted, spent } = opened.carried.credits;
  const grants: CarriedGrant[] =
    balance > 0
      ? [
          {
            ...{ id: `carried:${opened.period}`, amount: balance, remaining: balance, priority: DEFAULT_GRANT_PRIORITY },
            ...{ effectiveAt: opened.openedAt, expiresAt: null, reason: 'balance carried before grants' },
            ...{ grantedAt: opened.openedAt, ended: null, endedAt: null, touchedAt: opened.openedAt },
          },
        ]
      : [];
  const credits = { balance, granted, spent, expired: 0, voided: 0 };
  return { ...opened, carried: { ...opened.carried, credits, grants, allowance: null } };
};
// Grants stored before priorities and expiries: the default priority, effective when granted,
// never expiring. One without an id is named after its instant and amount (two such grants at
// the same instant fold into one: nothing refers to them by id).
const grantWithTerms: Reader<'CreditsGranted'> = (data) => {
  const old = data as {
    account: string;
    amount: number;
    reason: string | null;
    grantId: string | null;
    balance: number;
    at: string;
  };
  return {
    account: old.account,
    grantId: old.grantId ?? `legacy:${old.at}:${old.amount}`,
    amount: old.amount,
    priority: DEFAULT_GRANT_PRIORITY,
    effectiveAt: old.at,
    expiresAt: null,
    reason: old.reason,
    balance: old.balance,
    at: old.at,
  };
};
// ...and meters with creditsPerUnit 0, which made the meter free for every account: now "no price".
const meterTerms: Reader<'MeterDefined'> = (data) => ({
  ...(data as unknown as EventData<'MeterDefined'>),
  creditsPerUnit: typeof data.creditsPerUnit === 'number' && data.creditsPerUnit >= 1 ? data.creditsPerUnit : null,
  defaultQuota: data.defaultQuota === null || data.defaultQuota === undefined ? null : completeTerms(data.defaultQuota),
});

// Versions written since quotas have day, week and year periods and anchors: terms may carry
// `anchor` and the new periods (QuotaSet.v2, PeriodOpened.v2, MeterDefined.v2), and a usage
// decision or reversal may name its `period` (UsageAccepted.v3, UsageRejected.v3, UsageHeld.v2,
// UsageReversed.v2). Older versions read as they always did: calendar months, no anchor.
// The same versions carry what credit grants added: PeriodOpened.v2 carries the grants and the
// allowance (a v1 period's balance reads as one never-expiring grant), UsageAccepted.v3 its
// `burns` and UsageReversed.v2 its `refunds` (optional: absent in v1/v2 and v1 payloads),
// and a multi-item usage's `items` (each line with its own `period`, `bucketLevel` and, for a
// member of a tree, `levels`) and a decision's rate-limit fields (`bucketLevel`, `retryAfterMs`).
// A tree member's decisions and reversals name their `payer` (the root, whose grants they burn and refund).

/**
 * Each event type's write version and its readers, one entry per type: a type missing here does
 * not compile. Names are explicit and versioned, never class names: when a payload changes,
 * write `X.v(n+1)` and keep a reader for every older version, so old events keep reading.
 */
const CODECS = {
  AccountOpened: codec<'AccountOpened'>()('v1', { v1: asIs() }),
  PeriodStarted: codec<'PeriodStarted'>()('v1', { v1: asIs() }),
  PeriodOpened: codec<'PeriodOpened'>()('v2', { v1: carriedWallet, v2: carriedTerms }),
  PeriodClosed: codec<'PeriodClosed'>()('v1', { v1: asIs() }),
  QuotaSet: codec<'QuotaSet'>()('v2', { v1: quotaSetTerms, v2: quotaSetTerms }),
  CreditsGranted: codec<'CreditsGranted'>()('v2', { v1: grantWithTerms, v2: asIs() }),
  CreditsExpired: codec<'CreditsExpired'>()('v1', { v1: asIs() }),
  GrantVoided: codec<'GrantVoided'>()('v1', { v1: asIs() }),
  AllowanceSet: codec<'AllowanceSet'>()('v1', { v1: asIs() }),
  AllowanceRemoved: codec<'AllowanceRemoved'>()('v1', { v1: asIs() }),
  // v3 (v2 for holds and reversals) may carry `items`, a multi-item usage's lines: a build that
  // knows only the older versions refuses them instead of counting the first item alone.
  UsageAccepted: codec<'UsageAccepted'>()('v3', { v1: withoutReporter(), v2: asIs(), v3: asIs() }),
  UsageRejected: codec<'UsageRejected'>()('v3', { v1: withoutReporter(), v2: asIs(), v3: asIs() }),
  UsageReversed: codec<'UsageReversed'>()('v2', { v1: asIs(), v2: asIs() }),
  // v3 carries the grants a hold earmarks (`earmarks`); v1 and v2 holds are earmarked in burn order when folded.
  UsageHeld: codec<'UsageHeld'>()('v3', { v1: asIs(), v2: asIs(), v3: asIs() }),
  // v2 names a tree member's `payer`; a v1 release frees earmarks on its own account's grants.
  HoldReleased: codec<'HoldReleased'>()('v2', { v1: asIs(), v2: asIs() }),
  CreditAlertSet: codec<'CreditAlertSet'>()('v1', { v1: asIs() }),
  AlertRaised: codec<'AlertRaised'>()('v1', { v1: asIs() }),
  MemberAttached: codec<'MemberAttached'>()('v1', { v1: asIs() }),
  MemberDetached: codec<'MemberDetached'>()('v1', { v1: asIs() }),
  AccountMoved: codec<'AccountMoved'>()('v1', { v1: asIs() }),
  MeterDefined: codec<'MeterDefined'>()('v2', { v1: meterTerms, v2: meterTerms }),
  SubjectMapped: codec<'SubjectMapped'>()('v1', { v1: asIs() }),
} satisfies { [T in EventType]: Codec<T, string> };

type Codecs = typeof CODECS;
/** Every stored type name this build reads, such as `UsageAccepted.v1`. */
export type StoredType = { [T in EventType]: `${T}.${Extract<keyof Codecs[T]['read'], string>}` }[EventType];

// Stored type → reader; a Map, so a stored name such as "constructor.v1" is unknown, not Object.
const READERS = new Map<string, (data: StoredPayload) => TallyEvent>(
  (Object.keys(CODECS) as EventType[]).flatMap((type) =>
    Object.entries(CODECS[type].read as Record<string, Reader<EventType>>).map(([version, read]) => [
      `${type}.${version}`,
      (data: StoredPayload) => ({ type, data: read(data) }) as TallyEvent,
    ]),
  ),
);

/** Every stored type name this build reads, for specs that must cover each one. */
export const STORED_TYPES = [...READERS.keys()] as StoredType[];

/** The stored type names (every version this build reads) of the given event types. */
export function storedTypesOf(...types: EventType[]): StoredType[] {
  return STORED_TYPES.filter((stored) => types.includes(stored.slice(0, stored.lastIndexOf('.')) as EventType));
}

/** Maps an event to its stored form, under its type's current version. */
export function serialize(event: TallyEvent): StoredEvent {
  return { type: `${event.type}.${CODECS[event.type].write}`, data: event.data as unknown as StoredPayload };
}

/** Maps any stored version of an event to the current in-memory shape. */
export function deserialize(stored: StoredEvent): TallyEvent {
  const read = READERS.get(stored.type);
  if (!read) throw new UnknownEventTypeError(stored.type);
  return read(stored.data);
}
