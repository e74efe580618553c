import { fold } from './account-state';
import { grantViews } from './credit-views';
import { heldCredits } from './hold-state';
import { decided } from './testing/decided';
import { given } from './testing/given';
import {
  NOW,
  TOKENS,
  TOKEN_PRICES,
  commitHold,
  creditsGranted,
  decideItems,
  holdItems,
  later,
  opened,
  quotaSet,
  reverseUsage,
} from './testing/fixtures';

// An LLM call metered as input and output tokens, priced 1 and 3 credits a unit: 800 + 600 = 1,400.
const tokens = TOKENS;
const priced = TOKEN_PRICES;
// A promotion burnt first (priority 10), then the paid credits (priority 50).
const wallet = [
  ...opened(),
  quotaSet({ limit: 1000 }, 'input'),
  quotaSet({ limit: 500 }, 'output'),
  creditsGranted(1000, 1000, 'promo', { priority: 10, expiresAt: '2026-12-31T00:00:00.000Z' }),
  creditsGranted(1000, 2000, 'paid', { priority: 50 }),
];
const remaining = (history: Parameters<typeof fold>[0]) =>
  grantViews(fold(history), later(60)).map(({ id, remaining: left }) => [id, left]);

describe('a multi-item usage on credit grants', () => {
  it('burns the sum of its items’ costs as one debit, spanning two grants in burn order', () => {
    const [event] = given(wallet)
      .when(decideItems(tokens, priced))
      .then([
        {
          type: 'UsageAccepted',
          data: {
            creditsCharged: 1400,
            burns: [
              { grant: 'promo', amount: 1000 },
              { grant: 'paid', amount: 400 },
            ],
          },
        },
      ]);
    expect(event.data).toMatchObject({
      items: [
        { meter: 'input', credits: 800 },
        { meter: 'output', credits: 600 },
      ],
    });
    expect(fold([...wallet, event]).credits).toMatchObject({ balance: 600, spent: 1400 });
  });

  it('is refunded to both grants it drew from when reversed', () => {
    const command = decideItems(tokens, priced);
    const history = decided(wallet, command);
    const [reversal] = given(history)
      .when(reverseUsage('geocoder', command.usage.id, later(5)))
      .then([
        {
          type: 'UsageReversed',
          data: {
            creditsRefunded: 1400,
            refunds: [
              { grant: 'promo', amount: 1000, expired: false },
              { grant: 'paid', amount: 400, expired: false },
            ],
          },
        },
      ]);
    expect(reversal.data).toMatchObject({
      items: [
        { meter: 'input', creditsRefunded: 800 },
        { meter: 'output', creditsRefunded: 600 },
      ],
    });
    const after = [...history, reversal];
    expect(fold(after).credits).toMatchObject({ balance: 2000, spent: 0 });
    expect(remaining(after)).toEqual([
      ['promo', 1000],
      ['paid', 1000],
    ]);
  });

  it('burns nothing when rejected, though its first item alone would fit', () => {
    const [event] = given([...opened(), creditsGranted(1000, 1000, 'promo', { priority: 10 })])
      .when(decideItems(tokens, priced))
      .then([{ type: 'UsageRejected', data: { reason: 'INSUFFICIENT_CREDITS', meter: 'output' } }]);
    expect('burns' in event.data).toBe(false);
  });

  it('as a hold sets the sum aside, and a commit of some items burns only their cost', () => {
    const hold = holdItems(tokens, priced, { id: 'h-1' });
    const held = decided(wallet, hold);
    expect(heldCredits(fold(held), NOW)).toBe(1400);
    const events = given(held)
      .when({ ...commitHold('h-1', null, later(10)), items: [{ meter: 'output', quantity: 50 }], meters: hold.meters })
      .then([
        { type: 'HoldReleased' },
        { type: 'UsageAccepted', data: { creditsCharged: 150, burns: [{ grant: 'promo', amount: 150 }] } },
      ]);
    expect(remaining([...held, ...events])).toEqual([
      ['promo', 850],
      ['paid', 1000],
    ]);
  });
});
