import { withDefaultTerms } from '@tally/events';
import { fold, usageOf } from './account-state';
import { given } from './testing/given';
import {
  ACCOUNT,
  NOW,
  closedAt,
  creditsGranted,
  grantCredits,
  opened,
  quotaSet,
  reverseUsage,
  usageAccepted,
} from './testing/fixtures';

describe('quotas', () => {
  it('sets a quota with its terms', () => {
    given(opened())
      .when({ type: 'SetQuota', account: ACCOUNT, meter: 'ocr', quota: withDefaultTerms({ limit: 50 }), now: NOW })
      .then([{ type: 'QuotaSet', data: { meter: 'ocr', quota: { limit: 50, enforcement: 'hard', blockSize: 1000 } } }]);
  });

  it('changes only the fields a patch names', () => {
    given([...opened(), quotaSet({ limit: 10, blockPrice: '2.50' })])
      .when({ type: 'ChangeQuota', account: ACCOUNT, meter: 'geocoding', patch: { enforcement: 'soft' }, now: NOW })
      .then([{ type: 'QuotaSet', data: { quota: { limit: 10, enforcement: 'soft', blockPrice: '2.50' } } }]);
  });

  it('refuses to change a quota that was never set', () => {
    given(opened())
      .when({ type: 'ChangeQuota', account: ACCOUNT, meter: 'ocr', patch: { limit: 1 }, now: NOW })
      .thenFails('QUOTA_NOT_FOUND');
  });
});

describe('credits', () => {
  it('grants credits and records the new balance', () => {
    given([...opened(5)])
      .when(grantCredits(10))
      .then([{ type: 'CreditsGranted', data: { amount: 10, balance: 15 } }]);
  });

  it('grants once per grant id', () => {
    given([...opened(), creditsGranted(10, 10, 'g-1')])
      .when(grantCredits(10, 'g-1'))
      .thenNothing();
  });

  it('refuses a grant that would leave the exact integer range', () => {
    given([...opened(), creditsGranted(Number.MAX_SAFE_INTEGER)])
      .when(grantCredits(1))
      .thenFails('CREDITS_OVERFLOW');
  });
});

describe('reversals', () => {
  const accepted = usageAccepted({ source: 'ocr', id: 'u-9', quantity: 4, creditsCharged: 12 });

  it('returns the quantity and refunds the credits of an accepted usage', () => {
    given([...opened(), creditsGranted(20), accepted])
      .when(reverseUsage('ocr', 'u-9'))
      .then([{ type: 'UsageReversed', data: { quantity: 4, creditsRefunded: 12, month: '2026-11' } }]);
  });

  it('is a no-op the second time', () => {
    given([
      ...opened(),
      accepted,
      ...given([...opened(), accepted])
        .when(reverseUsage('ocr', 'u-9'))
        .then([{ type: 'UsageReversed' }]),
    ])
      .when(reverseUsage('ocr', 'u-9'))
      .thenNothing();
  });

  it('does not know a usage it never decided', () => {
    given(opened()).when(reverseUsage('ocr', 'nope')).thenFails('USAGE_NOT_FOUND');
  });

  it('cannot reverse a rejection', () => {
    given([...opened(), { type: 'UsageRejected', data: { ...accepted.data, reason: 'QUOTA_EXCEEDED' } as never }])
      .when(reverseUsage('ocr', 'u-9'))
      .thenFails('USAGE_NOT_ACCEPTED');
  });

  it('gives back the units to the period they were counted in', () => {
    const state = fold([
      ...opened(),
      quotaSet({ limit: 10 }),
      accepted,
      {
        type: 'UsageReversed',
        data: {
          account: ACCOUNT,
          source: 'ocr',
          id: 'u-9',
          subject: 'alice',
          meter: 'geocoding',
          quantity: 4,
          month: '2026-11',
          creditsRefunded: 0,
          reason: null,
          at: NOW,
        },
      },
    ]);
    expect(usageOf(state, 'geocoding', '2026-11')).toBe(0);
  });
});

describe('closing the books', () => {
  it('carries the wallet, quotas and recent usage into the next period', () => {
    const state = fold([
      ...opened(),
      creditsGranted(100),
      quotaSet({ limit: 10 }),
      usageAccepted({ quantity: 3, creditsCharged: 6 }),
      usageAccepted({ quantity: 2, month: '2026-08', time: '2026-08-30T00:00:00.000Z' }),
    ]);
    const { closing, opening } = closedAt(state, '2026-12-01T00:00:01.000Z');
    expect(closing.data).toMatchObject({ period: '2026-11', next: '2026-12' });
    expect(opening.data).toMatchObject({
      period: '2026-12',
      previous: '2026-11',
      carried: {
        credits: { balance: 94, granted: 100, spent: 6 },
        quotas: { geocoding: { limit: 10 } },
        usage: { geocoding: { '2026-11': 3, total: 5 } },
      },
    });
    expect(opening.data.carried.usage['geocoding']['2026-08']).toBeUndefined();
  });

  it('refuses any command on a closed period', () => {
    const { closing } = closedAt(fold(opened()), '2026-12-01T00:00:00.000Z');
    given([...opened(), closing])
      .when(grantCredits(1))
      .thenFails('BOOKS_CLOSED');
  });

  it('keeps remembering decisions of the previous period for idempotency', () => {
    const old = usageAccepted({ source: 'geo', id: 'late', decidedAt: '2026-11-30T23:59:00.000Z' });
    const state = fold([...opened(), old]);
    const { closing, opening } = closedAt(state, '2026-12-01T00:00:00.000Z');
    given([...opened(), old, closing, opening])
      .when({
        type: 'DecideUsage',
        account: ACCOUNT,
        usage: { source: 'geo', id: 'late', subject: 'alice', meter: 'geocoding', quantity: 1, time: null },
        meter: null,
        reportedBy: 'key-1',
        now: '2026-12-02T00:00:00.000Z',
      })
      .thenNothing();
  });
});
