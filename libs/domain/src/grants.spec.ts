import type { AccountEvent } from '@tally/events';
import { decide } from './account-decider';
import { evolve, fold } from './account-state';
import type { AccountCommand } from './commands';
import { creditsView, grantViews } from './credit-views';
import { given } from './testing/given';
import {
  ACCOUNT,
  NOW,
  decideUsage,
  grant,
  later,
  meter,
  opened,
  reverseUsage,
  setAllowance,
  voidGrant,
} from './testing/fixtures';

const priced = meter({ creditsPerUnit: 1 });
const spend = (quantity: number, now = NOW, id?: string) => decideUsage({ quantity, ...(id ? { id } : {}) }, priced, now);

/** Decides commands in order on a history, as the handler does; returns every event and the state. */
function run(history: AccountEvent[], commands: AccountCommand[]) {
  let state = fold(history);
  const events: AccountEvent[] = [];
  for (const command of commands) {
    const decided = decide(command, state);
    events.push(...decided);
    state = decided.reduce(evolve, state);
  }
  return { events, state };
}

describe('burn order', () => {
  it('burns the lowest priority number first, then the earliest expiry (none last), then the earliest effective', () => {
    const history = [
      ...opened(),
      grant('paid', 10, { priority: 50 }),
      grant('late-promo', 10, { priority: 10, expiresAt: '2026-12-31T00:00:00.000Z' }),
      grant('promo', 10, { priority: 10, expiresAt: '2026-12-01T00:00:00.000Z' }),
      grant('forever-old', 10, { priority: 10, effectiveAt: '2026-10-01T00:00:00.000Z', at: '2026-10-01T00:00:00.000Z' }),
      grant('forever-new', 10, { priority: 10 }),
    ];
    given(history)
      .when(spend(45))
      .then([
        {
          type: 'UsageAccepted',
          data: {
            creditsCharged: 45,
            burns: [
              { grant: 'promo', amount: 10 },
              { grant: 'late-promo', amount: 10 },
              { grant: 'forever-old', amount: 10 },
              { grant: 'forever-new', amount: 10 },
              { grant: 'paid', amount: 5 },
            ],
          },
        },
      ]);
  });

  it('does not burn a grant before its effectiveAt, nor count it', () => {
    const history = [...opened(), grant('now', 3), grant('later', 10, { effectiveAt: later(60) })];
    given(history)
      .when(spend(4))
      .then([{ type: 'UsageRejected', data: { reason: 'INSUFFICIENT_CREDITS' } }]);
    given(history)
      .when(spend(4, later(60)))
      .then([
        {
          type: 'UsageAccepted',
          data: {
            burns: [
              { grant: 'now', amount: 3 },
              { grant: 'later', amount: 1 },
            ],
          },
        },
      ]);
  });
});

describe('expiry at an exact instant', () => {
  const expiresAt = later(10);
  const history = [...opened(), grant('promo', 10, { priority: 1, expiresAt }), grant('paid', 5)];

  it('counts the grant until the instant before its expiresAt', () => {
    given(history)
      .when(spend(15, new Date(Date.parse(expiresAt) - 1).toISOString()))
      .then([{ type: 'UsageAccepted', data: { creditsCharged: 15 } }]);
  });

  it('at expiresAt, records what was left as expired (at that instant) before deciding, and no longer counts it', () => {
    given(history)
      .when(spend(6, expiresAt))
      .then([
        { type: 'CreditsExpired', data: { grantId: 'promo', amount: 10, at: expiresAt } },
        { type: 'UsageRejected', data: { reason: 'INSUFFICIENT_CREDITS' } },
      ]);
  });

  it('expires only the remainder, and readers see it before any decision records it', () => {
    const { state } = run(history, [spend(4, later(1))]);
    expect(creditsView(state, later(9), 0)).toMatchObject({ balance: 11, expired: 0, nextExpiry: { at: expiresAt, amount: 6 } });
    expect(creditsView(state, expiresAt, 0)).toMatchObject({ balance: 5, expired: 6, spent: 4, granted: 15, nextExpiry: null });
    const after = run([...history, ...run(history, [spend(4, later(1))]).events], [spend(1, expiresAt)]).state;
    expect(creditsView(after, expiresAt, 0)).toMatchObject({ balance: 4, expired: 6, spent: 5 });
  });
});

describe('voiding', () => {
  const history = [...opened(), grant('mistake', 10), grant('paid', 5, { priority: 60 })];

  it('takes what is left of the grant out of the balance now', () => {
    const { events, state } = run(history, [spend(3), voidGrant('mistake', later(1))]);
    expect(events.at(-1)).toEqual({
      type: 'GrantVoided',
      data: { account: ACCOUNT, grantId: 'mistake', amount: 7, reason: null, at: later(1) },
    });
    expect(creditsView(state, later(1), 0)).toMatchObject({ balance: 5, voided: 7, spent: 3 });
    expect(grantViews(state, later(1))[0]).toMatchObject({ id: 'mistake', remaining: 0, status: 'voided', voidedAt: later(1) });
  });

  it('refuses to void twice, an unknown grant, or an expired one', () => {
    const voided = run(history, [voidGrant('mistake')]).events;
    given([...history, ...voided])
      .when(voidGrant('mistake', later(1)))
      .thenFails('GRANT_VOIDED');
    given(history).when(voidGrant('nope')).thenFails('GRANT_NOT_FOUND');
    given([...opened(), grant('gone', 5, { expiresAt: later(1) })])
      .when(voidGrant('gone', later(2)))
      .thenFails('GRANT_EXPIRED');
  });
});

describe('refunds', () => {
  it('a reversal refunds each grant its usage drew from', () => {
    const history = [...opened(), grant('a', 3, { priority: 1 }), grant('b', 10)];
    const { events, state } = run(history, [spend(5, NOW, 'job'), reverseUsage('geocoder', 'job', later(1))]);
    expect(events.at(-1)).toMatchObject({
      type: 'UsageReversed',
      data: {
        creditsRefunded: 5,
        refunds: [
          { grant: 'a', amount: 3, expired: false },
          { grant: 'b', amount: 2, expired: false },
        ],
      },
    });
    expect(grantViews(state, later(1)).map((g) => [g.id, g.remaining])).toEqual([
      ['a', 3],
      ['b', 10],
    ]);
  });

  it('a refund into an expired or voided grant expires with it', () => {
    const history = [
      ...opened(),
      grant('promo', 4, { priority: 1, expiresAt: later(10) }),
      grant('gift', 4, { priority: 2 }),
      grant('paid', 10),
    ];
    const { events, state } = run(history, [
      spend(9, NOW, 'job'),
      voidGrant('gift', later(1)),
      reverseUsage('geocoder', 'job', later(20)),
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'UsageReversed',
      data: {
        refunds: [
          { grant: 'promo', amount: 4, expired: true },
          { grant: 'gift', amount: 4, expired: true },
          { grant: 'paid', amount: 1, expired: false },
        ],
      },
    });
    expect(creditsView(state, later(20), 0)).toMatchObject({ balance: 10, spent: 0, expired: 8, voided: 0 });
  });
});

describe('allowances', () => {
  it('issues the first grant at once, for the rest of the current period', () => {
    given(opened())
      .when(setAllowance(100, 'month', NOW))
      .then([
        { type: 'AllowanceSet', data: { amount: 100, per: 'month' } },
        {
          type: 'CreditsGranted',
          data: {
            grantId: 'allowance:2026-11',
            amount: 100,
            priority: 5,
            effectiveAt: NOW,
            expiresAt: '2026-12-01T00:00:00.000Z',
          },
        },
      ]);
  });

  it('re-issues at the first decision that sees the new period: the old one expires at its end, the new one counts from its start', () => {
    const { events: set } = run(opened(), [setAllowance(10, 'day', NOW), spend(4, NOW)]);
    const nextDay = '2026-11-23T08:00:00.000Z';
    given([...opened(), ...set])
      .when(spend(12, nextDay))
      .then([
        { type: 'CreditsExpired', data: { grantId: 'allowance:2026-11-22', amount: 6, at: '2026-11-23T00:00:00.000Z' } },
        {
          type: 'CreditsGranted',
          data: {
            grantId: 'allowance:2026-11-23',
            amount: 10,
            effectiveAt: '2026-11-23T00:00:00.000Z',
            expiresAt: '2026-11-24T00:00:00.000Z',
          },
        },
        { type: 'UsageRejected', data: { reason: 'INSUFFICIENT_CREDITS' } },
      ]);
  });

  it("reads see the new period's grant before any decision records it; removing it stops later periods", () => {
    const { state } = run(opened(), [setAllowance(10, 'day', NOW)]);
    expect(creditsView(state, '2026-11-24T01:00:00.000Z', 0)).toMatchObject({
      balance: 10,
      nextExpiry: { at: '2026-11-25T00:00:00.000Z', amount: 10 },
    });
    const removed = run(opened(), [
      setAllowance(10, 'day', NOW),
      { type: 'RemoveAllowance', account: ACCOUNT, now: later(1) },
    ]).state;
    expect(creditsView(removed, '2026-11-24T01:00:00.000Z', 0)).toMatchObject({ balance: 0, allowance: null });
  });
});

describe('bounded wallet', () => {
  it('forgets dead and emptied grants 35 days after credits last moved in them, keeping live ones', () => {
    const history = [
      ...opened(),
      grant('short', 5, { expiresAt: later(10) }),
      grant('spent', 3, { priority: 1 }),
      grant('kept', 100),
    ];
    const { events } = run(history, [spend(3, later(1))]);
    const day = (n: number) => new Date(Date.parse(NOW) + n * 86_400_000).toISOString();
    const month = run([...history, ...events], [spend(1, day(30))]);
    expect([...month.state.grants.keys()].sort()).toEqual(['kept', 'short', 'spent']);
    const later36 = run([...history, ...events, ...month.events], [grantCredits36()]);
    expect([...later36.state.grants.keys()].sort()).toEqual(['g36', 'kept']);

    function grantCredits36(): AccountCommand {
      return { type: 'GrantCredits', account: ACCOUNT, amount: 1, reason: null, grantId: 'g36', now: day(36) };
    }
  });
});
