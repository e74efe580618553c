import type {
  AccountEvent,
  PeriodClosed,
  PeriodOpened,
  MeterDefinition,
  QuotaTerms,
  UsageDecisionData,
  UsageItem,
} from '@tally/events';
import { withDefaultTerms } from '@tally/events';
import type {
  CommitHold,
  GrantCredits,
  HoldUsage,
  ReleaseHold,
  DecideUsage,
  ReverseUsage,
  SetAllowance,
  VoidGrant,
} from '../commands';
import type { Account } from '../account-state';
import { initialState } from '../account-state';
import { decideBooks } from '../books';

export const ACCOUNT = 'acme';
export const NOW = '2026-11-22T10:00:00.000Z';

/** A new account's first period, with `credits` default credits. */
export const opened = (credits = 0): AccountEvent[] =>
  decideBooks(
    { type: 'OpenAccount', account: ACCOUNT, registered: null, defaultCredits: credits, now: '2026-11-01T00:00:00.000Z' },
    initialState(),
  )!.opening;

/** Closing the books of `state` at `now`: the event that ends its period and the one that opens the next. */
export function closedAt(state: Account, now: string): { closing: PeriodClosed; opening: PeriodOpened } {
  const move = decideBooks({ type: 'ClosePeriod', account: ACCOUNT, now }, state)!;
  return { closing: move.closing[0], opening: move.opening[0] as PeriodOpened };
}

export const quotaSet = (quota: Partial<QuotaTerms> & { limit: number | null }, meter = 'geocoding'): AccountEvent => ({
  type: 'QuotaSet',
  data: { account: ACCOUNT, meter, quota: withDefaultTerms(quota), at: '2026-11-01T00:00:00.000Z' },
});

let grants = 0;
/** A grant (v1 terms unless given: priority 50, effective at once, no expiry). */
export const creditsGranted = (
  amount: number,
  balance = amount,
  grantId: string | null = null,
  terms: { priority?: number; effectiveAt?: string; expiresAt?: string | null; at?: string } = {},
): AccountEvent => {
  const at = terms.at ?? '2026-11-01T00:00:00.000Z';
  return {
    type: 'CreditsGranted',
    data: {
      ...{ account: ACCOUNT, amount, reason: null, grantId: grantId ?? `fixture-${++grants}`, balance, at },
      ...{ priority: terms.priority ?? 50, effectiveAt: terms.effectiveAt ?? at, expiresAt: terms.expiresAt ?? null },
    },
  };
};

let seq = 0;
const decided = (fields: Partial<UsageDecisionData>): UsageDecisionData => ({
  account: ACCOUNT,
  source: 'geocoder',
  id: `u-${++seq}`,
  subject: 'alice',
  meter: 'geocoding',
  quantity: 1,
  time: NOW,
  month: '2026-11',
  usage: 0,
  limit: null,
  remaining: null,
  overage: 0,
  decidedAt: NOW,
  reportedBy: 'key-1',
  ...fields,
});

export const usageAccepted = (fields: Partial<UsageDecisionData> & { creditsCharged?: number } = {}): AccountEvent => ({
  type: 'UsageAccepted',
  data: { creditsCharged: 0, ...decided(fields) },
});

export const decideUsage = (
  usage: Partial<DecideUsage['usage']> = {},
  meter: MeterDefinition | null = null,
  now = NOW,
): DecideUsage => ({
  type: 'DecideUsage',
  account: ACCOUNT,
  usage: { source: 'geocoder', id: `r-${++seq}`, subject: 'alice', meter: 'geocoding', quantity: 1, time: null, ...usage },
  meter,
  reportedBy: 'key-1',
  now,
});

/** A multi-item usage of `items`, with the definitions of its meters (none defined unless given). */
export const decideItems = (
  items: UsageItem[],
  definitions: MeterDefinition[] = [],
  usage: Partial<DecideUsage['usage']> = {},
  now = NOW,
): DecideUsage => ({
  ...decideUsage({ meter: items[0].meter, quantity: items[0].quantity, items, ...usage }, null, now),
  meters: new Map(items.map((item) => [item.meter, definitions.find((d) => d.meter === item.meter) ?? null])),
});

/** A hold of a multi-item usage of `items`. */
export const holdItems = (
  items: UsageItem[],
  definitions: MeterDefinition[] = [],
  usage: Partial<DecideUsage['usage']> = {},
  now = NOW,
): HoldUsage => ({ ...decideItems(items, definitions, usage, now), type: 'HoldUsage', ttlSeconds: 300 });

export const meter = (fields: Partial<MeterDefinition> = {}): MeterDefinition => ({
  meter: 'geocoding',
  description: null,
  creditsPerUnit: null,
  defaultQuota: null,
  ...fields,
});

/** An LLM call metered as two items, input and output tokens. */
export const TOKENS: UsageItem[] = [
  { meter: 'input', quantity: 800 },
  { meter: 'output', quantity: 200 },
];
/** Prices for {@link TOKENS}: 1 credit an input token, 3 an output one (800 + 600 = 1,400 credits). */
export const TOKEN_PRICES: MeterDefinition[] = [
  meter({ meter: 'input', creditsPerUnit: 1 }),
  meter({ meter: 'output', creditsPerUnit: 3 }),
];

export const grantCredits = (amount: number, grantId: string | null = null): GrantCredits => ({
  type: 'GrantCredits',
  account: ACCOUNT,
  amount,
  reason: null,
  grantId,
  now: NOW,
});

/** Grant `id` of `amount` credits, all of them left (see {@link creditsGranted} for its terms). */
export const grant = (id: string, amount: number, terms: Parameters<typeof creditsGranted>[3] = {}): AccountEvent =>
  creditsGranted(amount, amount, id, terms);

export const voidGrant = (grantId: string, now = NOW): VoidGrant => ({
  type: 'VoidGrant',
  account: ACCOUNT,
  grantId,
  reason: null,
  now,
});

/** An allowance of `amount` credits a `per`, at priority 5. */
export const setAllowance = (amount: number, per: SetAllowance['per'], now = NOW): SetAllowance => ({
  type: 'SetAllowance',
  account: ACCOUNT,
  amount,
  per,
  priority: 5,
  now,
});

export const reverseUsage = (source: string, id: string, now = NOW): ReverseUsage => ({
  type: 'ReverseUsage',
  account: ACCOUNT,
  source,
  id,
  reason: null,
  now,
});

/** A hold of `quantity` geocoding units (by default for 5 minutes) decided at `now`. */
export const holdUsage = (
  usage: Partial<DecideUsage['usage']> = {},
  meter: MeterDefinition | null = null,
  now = NOW,
  ttlSeconds = 300,
): HoldUsage => ({ ...decideUsage(usage, meter, now), type: 'HoldUsage', ttlSeconds });

export const commitHold = (id: string, quantity: number | null, now = NOW, meter: MeterDefinition | null = null): CommitHold => ({
  type: 'CommitHold',
  account: ACCOUNT,
  source: 'geocoder',
  id,
  quantity,
  meter,
  reportedBy: 'key-2',
  now,
});

export const releaseHold = (id: string, now = NOW): ReleaseHold => ({
  type: 'ReleaseHold',
  account: ACCOUNT,
  source: 'geocoder',
  id,
  now,
});

/** An instant `seconds` after {@link NOW}. */
export const later = (seconds: number): string => new Date(Date.parse(NOW) + seconds * 1000).toISOString();
export const creditAlertSet = (creditsBelow: number | null): AccountEvent => ({
  type: 'CreditAlertSet',
  data: { account: ACCOUNT, creditsBelow, at: '2026-11-01T00:00:00.000Z' },
});

/** A tree member attached under `parent` (the root by default), bringing no quotas or usage. */
export const memberAttached = (member: string, parent = ACCOUNT): AccountEvent => ({
  type: 'MemberAttached',
  data: { account: ACCOUNT, member, parent, quotas: {}, usage: {}, at: NOW },
});

/** A geocoding quota set for one level of a tree. */
export const levelQuota = (account: string, terms: Partial<QuotaTerms> & { limit: number | null }): AccountEvent => ({
  type: 'QuotaSet',
  data: { account, meter: 'geocoding', quota: withDefaultTerms(terms), at: '2026-11-01T00:00:00.000Z' },
});
