import { DEFAULT_QUOTA_TERMS, deserialize, type AccountEvent, type MeterDefinition, type QuotaTerms } from '@tally/events';
import { fold } from './account-state';
import { billingLine } from './billing';
import { decide } from './account-decider';
import { ACCOUNT, NOW, opened, decideUsage } from './testing/fixtures';

// Every shape of quota terms any release stored (older ones let a PATCH store null in any
// field) must read as complete terms: deciding keeps the hard default and billing never throws.
const FIELDS = ['enforcement', 'period', 'blockSize', 'blockPrice', 'includedUnits', 'currency'] as const;
const complete = {
  limit: 10,
  enforcement: 'hard',
  period: 'month',
  blockSize: 100,
  blockPrice: '0.50',
  includedUnits: 0,
  currency: 'EUR',
};
const SHAPES: Array<[string, Record<string, unknown>]> = [
  ['complete terms', complete],
  ['only a limit (no billing terms at all)', { limit: 10 }],
  ['every field but the limit null', { limit: 10, ...Object.fromEntries(FIELDS.map((f) => [f, null])) }],
  ...FIELDS.map((f): [string, Record<string, unknown>] => [`${f} null`, { ...complete, [f]: null }]),
];

const stored = (quota: Record<string, unknown>) =>
  deserialize({ type: 'QuotaSet.v1', data: { account: ACCOUNT, meter: 'geocoding', quota, at: NOW } }) as AccountEvent;

describe.each(SHAPES)('quota terms stored as %s', (_name, quota) => {
  const expectComplete = (terms: QuotaTerms) => {
    for (const field of FIELDS) expect(terms[field]).toEqual(quota[field] ?? DEFAULT_QUOTA_TERMS[field]);
    expect(terms.limit).toBe(10);
  };

  it('read as complete terms from QuotaSet.v1, PeriodOpened.v1 and MeterDefined.v1', () => {
    const event = stored(quota);
    expectComplete((event as Extract<AccountEvent, { type: 'QuotaSet' }>).data.quota);
    const [first] = opened();
    const carried = deserialize({
      type: 'PeriodOpened.v1',
      data: {
        ...first.data,
        carried: { credits: { balance: 0, granted: 0, spent: 0 }, quotas: { geocoding: quota }, usage: {} },
      },
    }) as Extract<AccountEvent, { type: 'PeriodOpened' }>;
    expectComplete(carried.data.carried.quotas.geocoding);
    const meter = deserialize({
      type: 'MeterDefined.v1',
      data: { meter: 'geocoding', description: null, creditsPerUnit: null, defaultQuota: quota, at: NOW },
    }).data as MeterDefinition;
    expectComplete(meter.defaultQuota as QuotaTerms);
  });

  it('keeps the hard limit and bills without error', () => {
    const state = fold([...opened(), stored(quota)]);
    expect(decide(decideUsage({ quantity: 11 }), state)).toMatchObject([
      { type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED' } },
    ]);
    const terms = state.quotas.get('geocoding') as QuotaTerms;
    const line = billingLine({ account: ACCOUNT, meter: 'geocoding', month: '2026-11' }, 250, terms);
    expect(line.amount).toMatch(/^\d+\.\d{2}$/);
    expect(Number.isInteger(line.blocks)).toBe(true);
  });
});

describe('meters stored with creditsPerUnit 0', () => {
  it('read as not paid with credits, so an account without a quota is not served for free', () => {
    const meter = deserialize({
      type: 'MeterDefined.v1',
      data: { meter: 'geocoding', description: null, creditsPerUnit: 0, defaultQuota: null, at: NOW },
    }).data as MeterDefinition;
    expect(meter.creditsPerUnit).toBeNull();
    expect(decide(decideUsage({}, meter), fold(opened()))).toMatchObject([{ data: { reason: 'NO_QUOTA' } }]);
  });
});
