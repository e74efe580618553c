import type { AccountEvent } from '@tally/events';
import { fold } from './account-state';
import { creditsView, grantViews } from './credit-views';
import { decided } from './testing/decided';
import { given } from './testing/given';
import { NOW, commitHold, decideUsage, grant, holdUsage, later, meter, opened, releaseHold, voidGrant } from './testing/fixtures';

const priced = meter({ creditsPerUnit: 1 });
const hold = (quantity: number, now = NOW, id = 'job') => holdUsage({ id, quantity }, priced, now, 300);
const spend = (quantity: number, now = NOW) => decideUsage({ quantity }, priced, now);
const commit = (quantity: number | null, now: string) => commitHold('job', quantity, now, priced);

// promo (priority 1) burns before paid; promo expires 10 s after NOW, under a hold of 300 s.
const promoAndPaid = [...opened(), grant('promo', 5, { priority: 1, expiresAt: later(10) }), grant('paid', 10)];
const held = (quantity: number) => decided(promoAndPaid, hold(quantity));

describe('a hold earmarks its credits grant by grant', () => {
  it('earmarks them on the grants in burn order, and records where', () => {
    given(promoAndPaid)
      .when(hold(8))
      .then([
        {
          type: 'UsageHeld',
          data: {
            creditsHeld: 8,
            earmarks: [
              { grant: 'promo', amount: 5 },
              { grant: 'paid', amount: 3 },
            ],
          },
        },
      ]);
  });

  it("leaves later usages each grant's remainder less its earmarks", () => {
    given(held(3))
      .when(spend(4, later(1)))
      .then([
        {
          type: 'UsageAccepted',
          data: {
            burns: [
              { grant: 'promo', amount: 2 },
              { grant: 'paid', amount: 2 },
            ],
          },
        },
      ]);
    given(held(3))
      .when(hold(12, later(1), 'other'))
      .then([
        {
          type: 'UsageHeld',
          data: {
            earmarks: [
              { grant: 'promo', amount: 2 },
              { grant: 'paid', amount: 10 },
            ],
          },
        },
      ]);
    given(held(3))
      .when(spend(13, later(1)))
      .then([{ type: 'UsageRejected', data: { reason: 'INSUFFICIENT_CREDITS' } }]);
  });

  it('commits from the grants it earmarked, even when a grant given since would burn first', () => {
    const since = [...held(3), grant('new-promo', 10, { priority: 1, at: later(1) })];
    given(since)
      .when(commit(null, later(2)))
      .then([
        { type: 'HoldReleased' },
        { type: 'UsageAccepted', data: { creditsCharged: 3, burns: [{ grant: 'promo', amount: 3 }] } },
      ]);
  });

  it('frees what a smaller commit did not use, and all of it on a release or at its expiry', () => {
    const committed = decided(held(5), commit(2, later(1)));
    given(committed)
      .when(spend(13, later(2)))
      .then([
        {
          type: 'UsageAccepted',
          data: {
            burns: [
              { grant: 'promo', amount: 3 },
              { grant: 'paid', amount: 10 },
            ],
          },
        },
      ]);
    given(decided(held(5), releaseHold('job', later(1))))
      .when(spend(15, later(2)))
      .then([{ type: 'UsageAccepted', data: { creditsCharged: 15 } }]);
    // A hold of 300 s frees itself; promo, all earmarked, expired meanwhile and leaves with it.
    given(held(15))
      .when(spend(10, later(301)))
      .then([
        { type: 'CreditsExpired', data: { grantId: 'promo', amount: 5, at: later(300) } },
        { type: 'UsageAccepted', data: { burns: [{ grant: 'paid', amount: 10 }] } },
      ]);
  });
});

describe('a grant that ends under an open hold', () => {
  it('expires what no hold earmarked at its expiry; the hold keeps the rest and its commit is paid in full', () => {
    const history = decided([...opened(), grant('promo', 8, { expiresAt: later(10) })], hold(5));
    const events = given(history)
      .when(commit(null, later(20)))
      .then([
        { type: 'CreditsExpired', data: { grantId: 'promo', amount: 3, at: later(10) } },
        { type: 'HoldReleased' },
        { type: 'UsageAccepted', data: { quantity: 5, creditsCharged: 5, burns: [{ grant: 'promo', amount: 5 }] } },
      ]);
    expect(creditsView(fold([...history, ...events]), later(20))).toMatchObject({ balance: 0, expired: 3, spent: 5 });
  });

  it('expires what a smaller commit or a release frees, when it frees it', () => {
    const history = decided([...opened(), grant('promo', 8, { expiresAt: later(10) })], hold(5));
    given(history)
      .when(commit(2, later(20)))
      .then([
        { type: 'CreditsExpired', data: { amount: 3, at: later(10) } },
        { type: 'HoldReleased' },
        { type: 'UsageAccepted', data: { creditsCharged: 2 } },
        { type: 'CreditsExpired', data: { grantId: 'promo', amount: 3, at: later(20) } },
      ]);
    given(history)
      .when(releaseHold('job', later(20)))
      .then([
        { type: 'CreditsExpired', data: { amount: 3, at: later(10) } },
        { type: 'HoldReleased' },
        { type: 'CreditsExpired', data: { grantId: 'promo', amount: 5, at: later(20) } },
      ]);
  });

  it("expires what an expired hold kept at the hold's expiry, shown by readers before it is recorded", () => {
    const history: AccountEvent[] = decided(
      [...opened(), grant('promo', 8, { expiresAt: later(10) }), grant('paid', 1)],
      hold(5),
    );
    const state = fold(history);
    expect(creditsView(state, later(20))).toMatchObject({ balance: 6, held: 5, expired: 3 });
    expect(grantViews(state, later(20))).toMatchObject([
      { id: 'promo', status: 'expired', remaining: 5, held: 5 },
      { id: 'paid', remaining: 1, held: 0 },
    ]);
    expect(creditsView(state, later(400))).toMatchObject({ balance: 1, held: 0, expired: 8 });
    given(history)
      .when(spend(1, later(400)))
      .then([
        { type: 'CreditsExpired', data: { grantId: 'promo', amount: 3, at: later(10) } },
        { type: 'CreditsExpired', data: { grantId: 'promo', amount: 5, at: later(300) } },
        { type: 'UsageAccepted', data: { burns: [{ grant: 'paid', amount: 1 }] } },
      ]);
  });

  it('voids what no hold earmarked; the hold keeps the rest, voided when the hold ends without using it', () => {
    const history = decided([...opened(), grant('promo', 8)], hold(5));
    const voided = decided(history, voidGrant('promo', later(1)));
    expect(voided.at(-1)).toMatchObject({ type: 'GrantVoided', data: { amount: 3 } });
    expect(creditsView(fold(voided), later(1))).toMatchObject({ balance: 5, held: 5, voided: 3 });
    given(voided)
      .when(voidGrant('promo', later(2)))
      .thenFails('GRANT_VOIDED');
    given(voided)
      .when(commit(4, later(2)))
      .then([
        { type: 'HoldReleased' },
        { type: 'UsageAccepted', data: { creditsCharged: 4, burns: [{ grant: 'promo', amount: 4 }] } },
        { type: 'GrantVoided', data: { grantId: 'promo', amount: 1, at: later(2) } },
      ]);
  });
});

describe('holds stored before holds earmarked grants', () => {
  it('are earmarked in burn order at their decision when read', () => {
    const [heldEvent] = decided(promoAndPaid, hold(8)).slice(promoAndPaid.length);
    const { earmarks: _, ...old } = (heldEvent as Extract<AccountEvent, { type: 'UsageHeld' }>).data;
    const state = fold([...promoAndPaid, { type: 'UsageHeld', data: old }]);
    expect(state.earmarks.get(`geocoder\u0000job`)?.draws).toEqual([
      { grant: 'promo', amount: 5 },
      { grant: 'paid', amount: 3 },
    ]);
  });
});
