import { withDefaultTerms } from './quota-terms';
import {
  deserialize,
  serialize,
  STORED_TYPES,
  UnknownEventTypeError,
  type EventData,
  type EventType,
  type StoredPayload,
  type StoredType,
  type TallyEvent,
} from './serde';

const decision = {
  account: 'acme',
  source: 'geocoder',
  id: 'job-42',
  subject: 'alice',
  meter: 'geocoding',
  quantity: 3,
  time: '2026-11-22T10:00:00.000Z',
  month: '2026-11',
  usage: 3,
  limit: null,
  remaining: null,
  overage: 0,
  decidedAt: '2026-11-22T10:00:00.000Z',
};

describe('serde', () => {
  it('writes decisions as v3, with the key that reported them', () => {
    const event: TallyEvent = { type: 'UsageAccepted', data: { ...decision, creditsCharged: 0, reportedBy: 'key-1' } };
    expect(serialize(event)).toEqual({ type: 'UsageAccepted.v3', data: event.data });
    expect(deserialize(serialize(event))).toEqual(event);
  });

  it('keeps what a rate limit adds to a decision and to each line of a multi-item one (optional fields of v3)', () => {
    const taken: TallyEvent = {
      type: 'UsageHeld',
      data: { ...decision, creditsHeld: 0, expiresAt: decision.time, reportedBy: 'k', bucketLevel: '-7200000', items: lines },
    };
    const refused: TallyEvent = {
      type: 'UsageRejected',
      data: { ...decision, reason: 'RATE_LIMITED', reportedBy: 'k', retryAfterMs: 200 },
    };
    expect([deserialize(serialize(taken)), deserialize(serialize(refused))]).toEqual([taken, refused]);
    expect(serialize(refused).type).toBe('UsageRejected.v3');
  });

  it.each(['UsageAccepted', 'UsageRejected'])('reads a %s.v1 stored before keys were recorded', (type) => {
    expect(deserialize({ type: `${type}.v1`, data: { ...decision, creditsCharged: 0 } })).toEqual({
      type,
      data: { ...decision, creditsCharged: 0, reportedBy: null },
    });
  });

  it.each(['constructor.v1', 'toString', '__proto__', 'UsageAccepted.v9'])('refuses the unknown stored type %s', (type) => {
    expect(() => deserialize({ type, data: {} })).toThrow(UnknownEventTypeError);
  });
});

const at = '2026-11-22T10:00:00.000Z';
const terms = withDefaultTerms({ limit: 10 });
const anchored = withDefaultTerms({ limit: 10, period: 'month', anchor: '2026-01-31T09:00:00.000Z' });
const WEEK = '2026-11-16T00:00:00.000Z/2026-11-23T00:00:00.000Z';
const meter = { meter: 'geocoding', description: null, creditsPerUnit: 2, defaultQuota: terms };

// A multi-item usage's lines: the first is the headline the decision's own fields repeat.
const lines = [
  { meter: 'geocoding', quantity: 3, usage: 3, limit: null, remaining: null, overage: 0, credits: 6, period: WEEK },
  { meter: 'isolines', quantity: 1, usage: 1, limit: 5, remaining: 4, overage: 0, credits: 0, bucketLevel: '3600000' },
];

// One event of every type in its current shape: a new type without a sample does not compile.
const CURRENT: { [T in EventType]: EventData<T> } = {
  AccountOpened: { account: 'acme', period: '2026-11', openedAt: at },
  PeriodStarted: { account: 'acme', period: '2026-12', at },
  PeriodOpened: {
    account: 'acme',
    period: '2026-12',
    previous: '2026-11',
    openedAt: at,
    carried: {
      credits: { balance: 5, granted: 7, spent: 2, expired: 0, voided: 0 },
      quotas: { geocoding: terms, ocr: anchored },
      usage: { geocoding: { '2026-11': 3, [WEEK]: 3 } },
      alerts: { creditsBelow: 10, raised: { geocoding: { '2026-11': [50, 80] } } },
      grants: [
        {
          ...{ id: 'g-1', amount: 7, remaining: 5, priority: 50, effectiveAt: at, expiresAt: null, reason: 'welcome' },
          ...{ grantedAt: at, ended: null, endedAt: null, touchedAt: at },
        },
      ],
      allowance: { amount: 100, per: 'month', priority: 10, issuedFor: '2026-11' },
    },
  },
  PeriodClosed: { account: 'acme', period: '2026-11', next: '2026-12', closedAt: at },
  QuotaSet: { account: 'acme', meter: 'geocoding', quota: anchored, at },
  CreditsGranted: {
    ...{ account: 'acme', amount: 7, reason: 'welcome', grantId: 'g-1', balance: 7, at },
    ...{ priority: 10, effectiveAt: at, expiresAt: '2026-12-01T00:00:00.000Z' },
  },
  CreditsExpired: { account: 'acme', grantId: 'g-1', amount: 3, at },
  GrantVoided: { account: 'acme', grantId: 'g-1', amount: 3, reason: null, at },
  AllowanceSet: { account: 'acme', amount: 100, per: 'day', priority: 50, at },
  AllowanceRemoved: { account: 'acme', at },
  UsageAccepted: {
    ...{ ...decision, period: WEEK, creditsCharged: 6, reportedBy: 'key-1', extensions: { traceparent: 'x' } },
    burns: [{ grant: 'g-1', amount: 6 }],
    items: lines,
  },
  UsageRejected: { ...decision, period: WEEK, reason: 'QUOTA_EXCEEDED', reportedBy: 'kafka' },
  UsageReversed: {
    ...{ account: 'acme', source: 'geocoder', id: 'job-42', subject: 'alice', meter: 'geocoding' },
    ...{ quantity: 3, month: '2026-11', period: WEEK, creditsRefunded: 6, reason: null, at },
    refunds: [{ grant: 'g-1', amount: 6, expired: false }],
    items: lines.map(({ meter, quantity, credits, period }) => ({ meter, quantity, creditsRefunded: credits, period })),
  },
  UsageHeld: {
    ...decision,
    period: WEEK,
    creditsHeld: 6,
    expiresAt: '2026-11-22T10:05:00.000Z',
    reportedBy: 'key-1',
    items: lines,
    earmarks: [{ grant: 'g-1', amount: 6 }],
  },
  HoldReleased: {
    ...{ account: 'acme', source: 'geocoder', id: 'job-42', subject: 'alice', meter: 'geocoding', month: '2026-11' },
    ...{ quantity: 3, creditsHeld: 6, committed: 2, at },
  },
  MeterDefined: { ...meter, at },
  SubjectMapped: { subject: 'alice', account: 'acme', at },
  CreditAlertSet: { account: 'acme', creditsBelow: 10, at },
  AlertRaised: {
    ...{ id: 'alrt_1', account: 'acme', kind: 'quota.threshold', threshold: 80, meter: 'geocoding' },
    ...{ usage: 8, limit: 10, period: '2026-11', raisedAt: at },
  },
  MemberAttached: {
    account: 'acme',
    member: 'team-a',
    parent: 'acme',
    quotas: { geocoding: terms },
    usage: { geocoding: { '2026-11': 3 } },
    at,
  },
  MemberDetached: { account: 'acme', member: 'team-a', at },
  AccountMoved: { account: 'team-a', tree: 'acme', parent: 'acme', quotas: {}, usage: {}, at },
};

// One payload of every stored type and version ever written: a new version without a sample does not compile.
const STORED: Record<StoredType, StoredPayload> = {
  'AccountOpened.v1': CURRENT.AccountOpened,
  'PeriodStarted.v1': CURRENT.PeriodStarted,
  'PeriodOpened.v1': {
    ...CURRENT.PeriodOpened,
    carried: { ...CURRENT.PeriodOpened.carried, quotas: { geocoding: terms }, grants: undefined, allowance: undefined },
  },
  'PeriodOpened.v2': CURRENT.PeriodOpened as unknown as StoredPayload,
  'PeriodClosed.v1': CURRENT.PeriodClosed,
  'QuotaSet.v1': { ...CURRENT.QuotaSet, quota: terms },
  'QuotaSet.v2': CURRENT.QuotaSet as unknown as StoredPayload,
  'CreditsGranted.v1': { account: 'acme', amount: 7, reason: 'welcome', grantId: null, balance: 7, at },
  'CreditsGranted.v2': CURRENT.CreditsGranted,
  'CreditsExpired.v1': CURRENT.CreditsExpired,
  'GrantVoided.v1': CURRENT.GrantVoided,
  'AllowanceSet.v1': CURRENT.AllowanceSet,
  'AllowanceRemoved.v1': CURRENT.AllowanceRemoved,
  'UsageAccepted.v1': { ...decision, creditsCharged: 6 },
  'UsageAccepted.v2': { ...decision, creditsCharged: 6, reportedBy: 'key-1', burns: [{ grant: 'g-1', amount: 6 }] },
  'UsageAccepted.v3': CURRENT.UsageAccepted as unknown as StoredPayload,
  'UsageRejected.v1': { ...decision, reason: 'NO_QUOTA' },
  'UsageRejected.v2': { ...decision, reason: 'QUOTA_EXCEEDED', reportedBy: 'kafka' },
  'UsageRejected.v3': CURRENT.UsageRejected as unknown as StoredPayload,
  'UsageReversed.v1': { ...CURRENT.UsageReversed, period: undefined, refunds: undefined, items: undefined },
  'UsageReversed.v2': CURRENT.UsageReversed as unknown as StoredPayload,
  'UsageHeld.v1': { ...decision, creditsHeld: 6, expiresAt: '2026-11-22T10:05:00.000Z', reportedBy: 'key-1' },
  'UsageHeld.v2': { ...(CURRENT.UsageHeld as unknown as StoredPayload), earmarks: undefined },
  'UsageHeld.v3': CURRENT.UsageHeld as unknown as StoredPayload,
  'HoldReleased.v1': CURRENT.HoldReleased,
  'HoldReleased.v2': { ...CURRENT.HoldReleased, payer: 'org' },
  'MeterDefined.v1': { ...CURRENT.MeterDefined, defaultQuota: { limit: 10 } } as unknown as StoredPayload,
  'MeterDefined.v2': CURRENT.MeterDefined as unknown as StoredPayload,
  'SubjectMapped.v1': CURRENT.SubjectMapped,
  'CreditAlertSet.v1': CURRENT.CreditAlertSet,
  'AlertRaised.v1': CURRENT.AlertRaised as unknown as StoredPayload,
  'MemberAttached.v1': CURRENT.MemberAttached as unknown as StoredPayload,
  'MemberDetached.v1': CURRENT.MemberDetached,
  'AccountMoved.v1': CURRENT.AccountMoved as unknown as StoredPayload,
};

describe('serde round trip', () => {
  it('reads every stored type it has a sample for, and has a sample for every type it reads', () => {
    expect([...STORED_TYPES].sort()).toEqual(Object.keys(STORED).sort());
  });

  it.each(Object.keys(CURRENT) as EventType[])('writes %s under its write version and reads it back unchanged', (type) => {
    const event = { type, data: CURRENT[type] } as TallyEvent;
    const stored = serialize(event);
    expect(STORED_TYPES).toContain(stored.type);
    expect(stored.type.startsWith(`${type}.v`)).toBe(true);
    expect(deserialize(JSON.parse(JSON.stringify(stored)))).toEqual(event);
  });

  it.each(Object.entries(STORED))(
    'reads %s as its type, and writes that back in a form that reads the same',
    (storedType, data) => {
      const event = deserialize({ type: storedType, data: JSON.parse(JSON.stringify(data)) });
      expect(event.type).toBe(storedType.split('.')[0]);
      expect(deserialize(serialize(event))).toEqual(event);
    },
  );
});

describe('stored before periods other than months existed', () => {
  it('reads quota terms without an anchor as the calendar month', () => {
    const { anchor: _, ...old } = terms;
    const event = deserialize({ type: 'QuotaSet.v1', data: { account: 'acme', meter: 'geocoding', quota: old, at } });
    expect(event).toMatchObject({ data: { quota: { period: 'month', anchor: null } } });
  });

  it.each([
    [
      'an anchor on a period that takes none',
      { period: 'week', anchor: '2026-01-31T09:00:00Z' },
      { period: 'week', anchor: null },
    ],
    ['an anchor that is not an instant', { period: 'year', anchor: 'soon' }, { period: 'year', anchor: null }],
    ['an unknown period', { period: 'fortnight', anchor: null }, { period: 'month', anchor: null }],
    ['an anchor with an offset', { period: 'year', anchor: '2024-02-29T10:00:00+01:00' }, { anchor: '2024-02-29T09:00:00.000Z' }],
  ])('completes terms with %s', (_name, stored, read) => {
    const event = deserialize({
      type: 'QuotaSet.v2',
      data: { account: 'acme', meter: 'geocoding', quota: { limit: 1, ...stored }, at },
    });
    expect(event).toMatchObject({ data: { quota: read } });
  });
});

describe('stored before alerts existed', () => {
  it('reads quota terms without alertAt as alerting at nothing', () => {
    const { alertAt: _, ...old } = terms;
    const event = deserialize({ type: 'QuotaSet.v1', data: { account: 'acme', meter: 'geocoding', quota: old, at } });
    expect(event).toMatchObject({ data: { quota: { ...terms, alertAt: [] } } });
  });

  it('reads a period opened without alert memory, its carried terms completed', () => {
    const { alertAt: _, ...old } = terms;
    const stored = {
      ...CURRENT.PeriodOpened,
      carried: { ...CURRENT.PeriodOpened.carried, alerts: undefined, quotas: { geocoding: old } },
    };
    const event = deserialize({ type: 'PeriodOpened.v1', data: JSON.parse(JSON.stringify(stored)) });
    expect(event).toMatchObject({ data: { carried: { quotas: { geocoding: { alertAt: [] } } } } });
    expect((event.data as EventData<'PeriodOpened'>).carried.alerts).toBeUndefined();
  });
});

describe('stored before grants had terms (upcasters)', () => {
  it('reads a CreditsGranted.v1 as a grant of the default priority, effective when granted, never expiring', () => {
    const old = { account: 'acme', amount: 7, reason: 'welcome', grantId: 'g-1', balance: 7, at };
    expect(deserialize({ type: 'CreditsGranted.v1', data: old })).toEqual({
      type: 'CreditsGranted',
      data: { ...old, priority: 50, effectiveAt: at, expiresAt: null },
    });
  });

  it('names a CreditsGranted.v1 without an id after its instant and amount', () => {
    const old = { account: 'acme', amount: 7, reason: null, grantId: null, balance: 7, at };
    expect(deserialize({ type: 'CreditsGranted.v1', data: old }).data).toMatchObject({ grantId: `legacy:${at}:7` });
  });

  it('reads a PeriodOpened.v1 balance as one live grant of what was left, with no expiry', () => {
    const old = {
      ...CURRENT.PeriodOpened,
      carried: { ...CURRENT.PeriodOpened.carried, credits: { balance: 5, granted: 7, spent: 2 } },
    };
    const { grants: _, allowance: __, ...carried } = old.carried;
    const event = deserialize({ type: 'PeriodOpened.v1', data: JSON.parse(JSON.stringify({ ...old, carried })) });
    expect((event.data as EventData<'PeriodOpened'>).carried).toMatchObject({
      credits: { balance: 5, granted: 7, spent: 2, expired: 0, voided: 0 },
      grants: [{ id: 'carried:2026-12', amount: 5, remaining: 5, priority: 50, expiresAt: null, ended: null }],
      allowance: null,
    });
  });
});
