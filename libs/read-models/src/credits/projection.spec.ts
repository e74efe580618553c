import { accepted, decision, granted, periodOpened, reversed } from '../testing/events';
import { rowsOf } from '../testing/rows-of';
import { credits } from './projection';

describe('credits projection', () => {
  it('opens an empty wallet with the first period, even before any credit', () => {
    expect(rowsOf(credits, [periodOpened('new')])).toEqual({
      new: { balance: 0, granted: 0, spent: 0, expired: 0, voided: 0, grants: [], allowance: null, earmarks: [] },
    });
  });

  it('adds grants, subtracts charges and gives refunds back, grant by grant', () => {
    const events = [periodOpened(), granted(100), accepted({ id: 'a' }, 30), accepted({ id: 'b' }, 5), reversed({ id: 'a' }, 30)];
    const row = rowsOf(credits, events).acme;
    expect(row).toMatchObject({ balance: 95, granted: 100, spent: 5 });
    // Decisions stored without their burns burn in order; a refund without grants goes back as a grant of its own.
    expect(row.grants.map((g) => [g.id, g.remaining])).toEqual([
      ['g-100', 65],
      ['refund:svc:a', 30],
    ]);
  });

  it('takes an expiry and a void out of the balance', () => {
    const events = [
      periodOpened(),
      granted(10),
      granted(20),
      { type: 'CreditsExpired' as const, data: { account: 'acme', grantId: 'g-10', amount: 10, at: '2026-11-06T00:00:00.000Z' } },
      {
        type: 'GrantVoided' as const,
        data: { account: 'acme', grantId: 'g-20', amount: 20, reason: null, at: '2026-11-06T00:00:00.000Z' },
      },
    ];
    expect(rowsOf(credits, events).acme).toMatchObject({ balance: 0, granted: 30, expired: 10, voided: 20 });
  });

  it('burns and refunds a tree member’s usage on the grants of the root that pays it', () => {
    const burns = [{ grant: 'g-10', amount: 4 }];
    const charged = accepted({ id: 'c', account: 'team', payer: 'acme' }, 4);
    Object.assign(charged.data, { burns });
    const later = accepted({ id: 'd', account: 'team', payer: 'acme' }, 3);
    Object.assign(later.data, { burns: [{ grant: 'g-10', amount: 3 }] });
    const refunded = reversed({ id: 'c', account: 'team' }, 4);
    Object.assign(refunded.data, { payer: 'acme', refunds: [{ ...burns[0], expired: false }] });
    const events = [periodOpened(), periodOpened('team'), granted(10), charged, later, refunded];
    const rows = rowsOf(credits, events);
    expect(rows.acme).toMatchObject({ balance: 7, granted: 10, spent: 3 });
    expect(rows.acme.grants.map((g) => [g.id, g.remaining])).toEqual([['g-10', 7]]);
    expect(rows.team).toMatchObject({ balance: 0, granted: 0, spent: 0, grants: [] });
  });

  it('earmarks a tree member’s hold on the grants of the root that pays it, and frees them when the hold ends', () => {
    const data = {
      ...decision({ id: 'h', account: 'team', payer: 'acme' }),
      creditsHeld: 4,
      expiresAt: '2026-12-31T00:00:00.000Z',
    };
    const held = { type: 'UsageHeld' as const, data: { ...data, earmarks: [{ grant: 'g-10', amount: 4 }] } };
    const { account, source, id, subject, meter, month, quantity, payer } = data;
    const released = {
      type: 'HoldReleased' as const,
      data: { account, source, id, subject, meter, month, quantity, payer, creditsHeld: 4, committed: null, at: data.decidedAt },
    };
    const before = rowsOf(credits, [periodOpened(), periodOpened('team'), granted(10), held]);
    expect(before.acme.earmarks).toEqual([{ source, id: 'h', expiresAt: data.expiresAt, draws: [{ grant: 'g-10', amount: 4 }] }]);
    expect(rowsOf(credits, [periodOpened(), periodOpened('team'), granted(10), held, released]).acme.earmarks).toEqual([]);
  });
});
