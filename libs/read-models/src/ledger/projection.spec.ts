import type { TallyEvent } from '@tally/events';
import { accepted, granted, reversed } from '../testing/events';
import { ledgerRowsOf } from './projection';

const AT = '2026-11-05T00:00:00.000Z';

describe('credit ledger rows', () => {
  it('records a grant at the later of its recording and its effectiveAt', () => {
    const future = {
      ...granted(10),
      data: { ...(granted(10).data as object), effectiveAt: '2026-12-01T00:00:00.000Z' },
    } as TallyEvent;
    expect(ledgerRowsOf(granted(10))).toEqual([{ account: 'acme', at: AT, kind: 'granted', grant: 'g-10', amount: 10 }]);
    expect(ledgerRowsOf(future)[0].at).toBe('2026-12-01T00:00:00.000Z');
  });

  it('records one burn per grant drawn, and a refund into a dead grant as refunded then expired', () => {
    const burnt = accepted({ id: 'job' }, 7) as Extract<TallyEvent, { type: 'UsageAccepted' }>;
    burnt.data.burns = [
      { grant: 'a', amount: 3 },
      { grant: 'b', amount: 4 },
    ];
    expect(ledgerRowsOf(burnt).map((r) => [r.kind, r.grant, r.amount, r.usage])).toEqual([
      ['burnt', 'a', -3, 'svc/job'],
      ['burnt', 'b', -4, 'svc/job'],
    ]);
    const refund = reversed({ id: 'job' }, 7) as Extract<TallyEvent, { type: 'UsageReversed' }>;
    refund.data.refunds = [
      { grant: 'a', amount: 3, expired: true },
      { grant: 'b', amount: 4, expired: false },
    ];
    const rows = ledgerRowsOf(refund);
    expect(rows.map((r) => [r.kind, r.grant, r.amount])).toEqual([
      ['refunded', 'a', 3],
      ['expired', 'a', -3],
      ['refunded', 'b', 4],
    ]);
    expect(rows.reduce((sum, r) => sum + r.amount, 0)).toBe(4);
  });

  it('records decisions stored before burns were recorded as one burn of no grant', () => {
    expect(ledgerRowsOf(accepted({ id: 'old' }, 5))).toEqual([
      { account: 'acme', at: AT, kind: 'burnt', grant: '', amount: -5, usage: 'svc/old' },
    ]);
    expect(ledgerRowsOf(accepted({ id: 'free' }, 0))).toEqual([]);
  });
});

describe('an allowance grant in the ledger', () => {
  it('counts from its period start, even when recorded later in the period', () => {
    const issued = granted(10) as Extract<TallyEvent, { type: 'CreditsGranted' }>;
    issued.data = {
      ...issued.data,
      grantId: 'allowance:2026-11',
      effectiveAt: '2026-11-01T00:00:00.000Z',
      allowanceFor: '2026-11',
    };
    expect(ledgerRowsOf(issued)[0]).toMatchObject({ at: '2026-11-01T00:00:00.000Z', kind: 'granted', amount: 10 });
  });

  it('puts a tree member’s burns and refunds on the root that pays them', () => {
    const burns = [{ grant: 'root-grant', amount: 2 }];
    const burnt = accepted({ id: 'm', account: 'team', payer: 'acme' }, 2);
    Object.assign(burnt.data, { burns });
    const refund = reversed({ id: 'm', account: 'team' }, 2);
    Object.assign(refund.data, { payer: 'acme', refunds: [{ ...burns[0], expired: false }] });
    expect([...ledgerRowsOf(burnt), ...ledgerRowsOf(refund)].map((r) => [r.account, r.kind, r.grant, r.amount])).toEqual([
      ['acme', 'burnt', 'root-grant', -2],
      ['acme', 'refunded', 'root-grant', 2],
    ]);
  });
});
