import { withDefaultTerms, type TallyEvent, type UsageDecisionData } from '@tally/events';

const AT = '2026-11-05T00:00:00.000Z';

/** A usage decision's fields, for account `acme`, meter `geo`, subject `alice` in 2026-11 unless given. */
export const decision = (over: Partial<UsageDecisionData> = {}): UsageDecisionData => ({
  ...{ account: 'acme', source: 'svc', id: 'u1', subject: 'alice', meter: 'geo', quantity: 1, time: AT, month: '2026-11' },
  ...{ usage: 0, limit: null, remaining: null, overage: 0, decidedAt: AT, reportedBy: 'kafka' },
  ...over,
});

export const accepted = (over: Partial<UsageDecisionData> = {}, creditsCharged = 0): TallyEvent => ({
  type: 'UsageAccepted',
  data: { ...decision(over), creditsCharged },
});

export const rejected = (over: Partial<UsageDecisionData> = {}): TallyEvent => ({
  type: 'UsageRejected',
  data: { ...decision(over), reason: 'QUOTA_EXCEEDED' },
});

export const reversed = (over: Partial<UsageDecisionData> = {}, creditsRefunded = 0, at = AT): TallyEvent => {
  const { account, source, id, subject, meter, quantity, month } = decision(over);
  return {
    type: 'UsageReversed',
    data: { account, source, id, subject, meter, quantity, month, creditsRefunded, reason: 'duplicate', at },
  };
};

export const quotaSet = (limit: number | null, at = AT, meter = 'geo'): TallyEvent => ({
  type: 'QuotaSet',
  data: { account: 'acme', meter, quota: withDefaultTerms({ limit }), at },
});

export const granted = (amount: number, account = 'acme'): TallyEvent => ({
  type: 'CreditsGranted',
  data: {
    account,
    amount,
    reason: null,
    grantId: `g-${amount}`,
    priority: 50,
    effectiveAt: AT,
    expiresAt: null,
    balance: amount,
    at: AT,
  },
});

export const periodOpened = (account = 'acme'): TallyEvent => ({
  type: 'PeriodOpened',
  data: {
    account,
    period: '2026-11',
    previous: null,
    openedAt: AT,
    carried: {
      credits: { balance: 0, granted: 0, spent: 0, expired: 0, voided: 0 },
      quotas: {},
      usage: {},
      grants: [],
      allowance: null,
    },
  },
});

/** A hold of `quantity` units (2 credits each), expiring five minutes after AT. */
export const held = (id: string, quantity: number): TallyEvent => ({
  type: 'UsageHeld',
  data: { ...decision({ id, quantity }), creditsHeld: quantity * 2, expiresAt: '2026-11-05T00:05:00.000Z' },
});
/** The end of a hold of 4 units: committed (`committed` units) or released (null). */
export const ended = (id: string, committed: number | null): TallyEvent => {
  const { account, source, subject, meter, month } = decision();
  const data = {
    account,
    source,
    id,
    subject,
    meter,
    month,
    quantity: 4,
    creditsHeld: 8,
    committed,
    at: '2026-11-05T00:01:00.000Z',
  };
  return { type: 'HoldReleased', data };
};

/** The lines of a multi-item usage of `geo` (3 units) and `ocr` (2 units). */
export const twoItems = [
  { meter: 'geo', quantity: 3, usage: 3, limit: null, remaining: null, overage: 0, credits: 0 },
  { meter: 'ocr', quantity: 2, usage: 2, limit: null, remaining: null, overage: 0, credits: 0 },
];

/** The reversal of a multi-item usage of {@link twoItems}. */
export const reversedItems = (id: string, at = AT): TallyEvent => {
  const event = reversed({ id, quantity: 3 }, 0, at);
  const items = twoItems.map(({ meter, quantity }) => ({ meter, quantity, creditsRefunded: 0 }));
  return { ...event, data: { ...event.data, items } } as TallyEvent;
};
