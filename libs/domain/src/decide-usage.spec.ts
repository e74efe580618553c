import { withDefaultTerms } from '@tally/events';
import { given } from './testing/given';
import { NOW, creditsGranted, meter, opened, quotaSet, decideUsage, usageAccepted } from './testing/fixtures';

describe('DecideUsage', () => {
  describe('hard quota', () => {
    it('accepts usage up to the limit and reports what remains', () => {
      given([...opened(), quotaSet({ limit: 10 }), usageAccepted({ quantity: 7 })])
        .when(decideUsage({ quantity: 3 }))
        .then([{ type: 'UsageAccepted', data: { quantity: 3, usage: 10, limit: 10, remaining: 0, overage: 0 } }]);
    });

    it('rejects usage that would pass the limit, counting nothing', () => {
      given([...opened(), quotaSet({ limit: 10 }), usageAccepted({ quantity: 8 })])
        .when(decideUsage({ quantity: 3 }))
        .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', usage: 8, limit: 10, remaining: 2 } }]);
    });

    it('counts a month by the event time, not the decision time', () => {
      given([...opened(), quotaSet({ limit: 10 }), usageAccepted({ quantity: 10 })])
        .when(decideUsage({ quantity: 5, time: '2026-10-31T23:00:00.000Z' }))
        .then([{ type: 'UsageAccepted', data: { month: '2026-10', usage: 5, remaining: 5 } }]);
    });
  });

  describe('soft quota', () => {
    it('accepts past the limit and reports only the part above it as overage', () => {
      given([...opened(), quotaSet({ limit: 10, enforcement: 'soft' }), usageAccepted({ quantity: 8 })])
        .when(decideUsage({ quantity: 5 }))
        .then([{ type: 'UsageAccepted', data: { usage: 13, remaining: 0, overage: 3 } }]);
    });

    it('reports the whole quantity as overage once the limit is behind', () => {
      given([...opened(), quotaSet({ limit: 10, enforcement: 'soft' }), usageAccepted({ quantity: 12 })])
        .when(decideUsage({ quantity: 4 }))
        .then([{ type: 'UsageAccepted', data: { usage: 16, overage: 4 } }]);
    });
  });

  it('accepts anything under an unlimited (null) quota', () => {
    given([...opened(), quotaSet({ limit: null }), usageAccepted({ quantity: 1_000_000 })])
      .when(decideUsage({ quantity: 999 }))
      .then([{ type: 'UsageAccepted', data: { usage: 1_000_999, limit: null, remaining: null } }]);
  });

  it('rejects every request on a disabled meter (limit 0)', () => {
    given([...opened(), quotaSet({ limit: 0 })])
      .when(decideUsage({ quantity: 1 }))
      .then([{ type: 'UsageRejected', data: { reason: 'METER_DISABLED' } }]);
  });

  it('rejects a meter with neither quota nor credit price', () => {
    given(opened())
      .when(decideUsage({ quantity: 1 }, meter()))
      .then([{ type: 'UsageRejected', data: { reason: 'NO_QUOTA', limit: null } }]);
  });

  describe('period none (cumulative capacity)', () => {
    it('counts every month against one capacity', () => {
      given([
        ...opened(),
        quotaSet({ limit: 8, period: 'none' }, 'vcpu'),
        usageAccepted({ meter: 'vcpu', quantity: 6, month: '2026-10', time: '2026-10-20T00:00:00.000Z' }),
      ])
        .when(decideUsage({ meter: 'vcpu', quantity: 3 }))
        .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', usage: 6, remaining: 2 } }]);
    });
  });

  describe('meter default quota', () => {
    const withDefault = meter({ defaultQuota: withDefaultTerms({ limit: 5 }) });

    it('holds an account without its own quota to the default', () => {
      given([...opened(), usageAccepted({ quantity: 4 })])
        .when(decideUsage({ quantity: 2 }, withDefault))
        .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', limit: 5 } }]);
    });

    it('prefers the account own quota over the default', () => {
      given([...opened(), quotaSet({ limit: 100 }), usageAccepted({ quantity: 4 })])
        .when(decideUsage({ quantity: 2 }, withDefault))
        .then([{ type: 'UsageAccepted', data: { limit: 100, usage: 6 } }]);
    });
  });

  describe('credits', () => {
    const priced = meter({ creditsPerUnit: 3 });

    it('debits quantity × creditsPerUnit on acceptance', () => {
      given([...opened(), creditsGranted(10)])
        .when(decideUsage({ quantity: 3 }, priced))
        .then([{ type: 'UsageAccepted', data: { creditsCharged: 9 } }]);
    });

    it('rejects when the balance does not cover the cost', () => {
      given([...opened(), creditsGranted(10)])
        .when(decideUsage({ quantity: 4 }, priced))
        .then([{ type: 'UsageRejected', data: { reason: 'INSUFFICIENT_CREDITS' } }]);
    });

    it('checks the quota before the credits', () => {
      given([...opened(), creditsGranted(0), quotaSet({ limit: 1 })])
        .when(decideUsage({ quantity: 2 }, priced))
        .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED' } }]);
    });

    it('starts a new account with its default credits', () => {
      given(opened(6))
        .when(decideUsage({ quantity: 2 }, priced))
        .then([{ type: 'UsageAccepted', data: { creditsCharged: 6 } }]);
    });
  });

  describe('time window', () => {
    it('rejects an event older than 35 days as TOO_LATE', () => {
      given([...opened(), quotaSet({ limit: null })])
        .when(decideUsage({ time: '2026-10-18T09:59:59.000Z' }))
        .then([{ type: 'UsageRejected', data: { reason: 'TOO_LATE', month: '2026-10' } }]);
    });

    it('accepts an event exactly 35 days old', () => {
      given([...opened(), quotaSet({ limit: null })])
        .when(decideUsage({ time: '2026-10-18T10:00:00.000Z' }))
        .then([{ type: 'UsageAccepted' }]);
    });

    it('rejects an event more than 5 minutes ahead as IN_FUTURE', () => {
      given([...opened(), quotaSet({ limit: null })])
        .when(decideUsage({ time: '2026-11-22T10:05:00.001Z' }))
        .then([{ type: 'UsageRejected', data: { reason: 'IN_FUTURE' } }]);
    });

    it('uses the decision time when the event has none', () => {
      given([...opened(), quotaSet({ limit: null })])
        .when(decideUsage({ time: null }))
        .then([{ type: 'UsageAccepted', data: { time: NOW, month: '2026-11' } }]);
    });
  });

  describe('idempotency', () => {
    it('decides nothing for a (source, id) already decided within 35 days', () => {
      given([...opened(), quotaSet({ limit: 10 }), usageAccepted({ source: 'geocoder', id: 'u-1', quantity: 2 })])
        .when(decideUsage({ source: 'geocoder', id: 'u-1', quantity: 2 }))
        .thenNothing();
    });

    it('remembers rejections too', () => {
      given([
        ...opened(),
        { type: 'UsageRejected', data: { ...usageAccepted({ id: 'u-r' }).data, reason: 'QUOTA_EXCEEDED' } as never },
      ])
        .when(decideUsage({ source: 'geocoder', id: 'u-r' }))
        .thenNothing();
    });

    it('treats the same id from another source as a new request', () => {
      given([...opened(), quotaSet({ limit: 10 }), usageAccepted({ source: 'geocoder', id: 'u-1' })])
        .when(decideUsage({ source: 'ocr', id: 'u-1' }))
        .then([{ type: 'UsageAccepted' }]);
    });

    it('decides again once the first decision has left the 35-day window', () => {
      given([...opened(), quotaSet({ limit: 10 }), usageAccepted({ id: 'u-old', decidedAt: '2026-10-01T00:00:00.000Z' })])
        .when(decideUsage({ id: 'u-old' }))
        .then([{ type: 'UsageAccepted' }]);
    });
  });
});
