import { decide } from './account-decider';
import { answerOf } from './answers';
import { fold, usageOf } from './account-state';
import { heldCredits, heldUnits } from './hold-state';
import { decided } from './testing/decided';
import { given } from './testing/given';
import {
  NOW,
  TOKENS,
  TOKEN_PRICES,
  commitHold,
  creditAlertSet,
  creditsGranted,
  decideItems,
  decideUsage,
  holdItems,
  later,
  opened,
  quotaSet,
  reverseUsage,
  usageAccepted,
} from './testing/fixtures';

// An LLM call metered as input and output tokens, each with a monthly quota.
const tokens = TOKENS;
const quotas = [...opened(), quotaSet({ limit: 1000 }, 'input'), quotaSet({ limit: 500 }, 'output')];
const line = (meter: string, fields: object) => expect.objectContaining({ meter, ...fields });

describe('a multi-item usage (rule 8)', () => {
  it('is accepted with one line per item, each counted against its own meter', () => {
    const [event] = given(quotas)
      .when(decideItems(tokens))
      .then([{ type: 'UsageAccepted', data: { meter: 'input', quantity: 800, usage: 800, remaining: 200 } }]);
    expect(event.data).toMatchObject({
      items: [
        { meter: 'input', quantity: 800, usage: 800, limit: 1000, remaining: 200, overage: 0, credits: 0 },
        { meter: 'output', quantity: 200, usage: 200, limit: 500, remaining: 300, overage: 0, credits: 0 },
      ],
    });
    const state = fold([...quotas, event]);
    expect([usageOf(state, 'input', '2026-11'), usageOf(state, 'output', '2026-11')]).toEqual([800, 200]);
  });

  it('records nothing when one item is over its limit, and names that item', () => {
    const history = [...quotas, usageAccepted({ meter: 'output', quantity: 400 })];
    const [event] = given(history)
      .when(decideItems(tokens))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', meter: 'output', quantity: 200, usage: 400 } }]);
    expect(event.data).toMatchObject({ items: [line('input', { usage: 0, credits: 0 }), line('output', { usage: 400 })] });
    const state = fold([...history, event]);
    expect([usageOf(state, 'input', '2026-11'), usageOf(state, 'output', '2026-11')]).toEqual([0, 400]);
  });

  it('refuses as a whole an item without quota or price, or on a disabled meter', () => {
    given(quotas)
      .when(decideItems([...tokens, { meter: 'images', quantity: 1 }]))
      .then([{ type: 'UsageRejected', data: { reason: 'NO_QUOTA', meter: 'images' } }]);
    given([...quotas, quotaSet({ limit: 0 }, 'images')])
      .when(decideItems([{ meter: 'images', quantity: 1 }, ...tokens]))
      .then([{ type: 'UsageRejected', data: { reason: 'METER_DISABLED', meter: 'images' } }]);
  });

  it('is refused too late or in the future as a whole', () => {
    given(quotas)
      .when(decideItems(tokens, [], { time: '2026-01-01T00:00:00.000Z' }))
      .then([{ type: 'UsageRejected', data: { reason: 'TOO_LATE', meter: 'input' } }]);
  });

  describe('credits', () => {
    const priced = TOKEN_PRICES;

    it('charges the sum of the items’ costs, each line with its own', () => {
      const [event] = given([...opened(), creditsGranted(1400)])
        .when(decideItems(tokens, priced))
        .then([{ type: 'UsageAccepted', data: { creditsCharged: 1400 } }]);
      expect(event.data).toMatchObject({ items: [line('input', { credits: 800 }), line('output', { credits: 600 })] });
      expect(fold([...opened(), creditsGranted(1400), event]).credits).toMatchObject({ balance: 0, spent: 1400 });
    });

    it('rejects when the sum exceeds the balance though each item alone fits, naming the item that tips it', () => {
      given([...opened(), creditsGranted(1399)])
        .when(decideItems(tokens, priced))
        .then([{ type: 'UsageRejected', data: { reason: 'INSUFFICIENT_CREDITS', meter: 'output' } }]);
    });

    it('raises credits.low once for the whole debit', () => {
      given([...opened(), creditsGranted(2000), creditAlertSet(1000)])
        .when(decideItems(tokens, priced))
        .then([{ type: 'UsageAccepted' }, { type: 'AlertRaised', data: { kind: 'credits.low', balance: 600 } }]);
    });
  });

  it('raises each meter’s quota alerts', () => {
    given([...opened(), quotaSet({ limit: 1000, alertAt: [50] }, 'input'), quotaSet({ limit: 200, alertAt: [100] }, 'output')])
      .when(decideItems(tokens))
      .then([
        { type: 'UsageAccepted' },
        { type: 'AlertRaised', data: { meter: 'input', threshold: 50 } },
        { type: 'AlertRaised', data: { meter: 'output', threshold: 100 } },
      ]);
  });

  it('is answered on a duplicate with the original multi-item decision, counting nothing', () => {
    const command = decideItems(tokens);
    const history = decided(quotas, command);
    const state = fold(history);
    given(history).when(command).thenNothing();
    const { decision, repeat } = answerOf(command, [], state);
    expect(repeat).toBe(true);
    expect(decision.data.items).toHaveLength(2);
    expect(usageOf(state, 'output', '2026-11')).toBe(200);
  });

  it('is reversed as a whole: every item returns to its meter, every credit is refunded', () => {
    const priced = TOKEN_PRICES;
    const command = decideItems(tokens, priced);
    const history = decided([...quotas, creditsGranted(5000)], command);
    const [reversal] = given(history)
      .when(reverseUsage('geocoder', command.usage.id))
      .then([{ type: 'UsageReversed', data: { creditsRefunded: 1400 } }]);
    expect(reversal.data).toMatchObject({
      items: [
        { meter: 'input', quantity: 800, creditsRefunded: 800 },
        { meter: 'output', quantity: 200, creditsRefunded: 600 },
      ],
    });
    const state = fold([...history, reversal]);
    expect([usageOf(state, 'input', '2026-11'), usageOf(state, 'output', '2026-11'), state.credits.balance]).toEqual([
      0, 0, 5000,
    ]);
  });
});

describe('a multi-item hold', () => {
  const priced = TOKEN_PRICES;
  const funded = [...quotas, creditsGranted(2000)];
  const hold = holdItems(tokens, priced, { id: 'h-1' });
  const held = decided(funded, hold);

  it('holds each item against its meter and the sum of their credits', () => {
    const state = fold(held);
    expect([heldUnits(state, 'input', '2026-11', NOW), heldUnits(state, 'output', '2026-11', NOW)]).toEqual([800, 200]);
    expect(heldCredits(state, NOW)).toBe(1400);
    given(held)
      .when(
        decideItems(
          [
            { meter: 'output', quantity: 301 },
            { meter: 'input', quantity: 1 },
          ],
          priced,
        ),
      )
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', meter: 'output', remaining: 300 } }]);
  });

  it('commits every item in full when no items are named', () => {
    const events = given(held)
      .when({ ...commitHold('h-1', null, later(10)), meters: hold.meters })
      .then([
        { type: 'HoldReleased', data: { committed: 1000 } },
        { type: 'UsageAccepted', data: { creditsCharged: 1400 } },
      ]);
    expect(events[1].data).toMatchObject({ items: [line('input', { quantity: 800 }), line('output', { quantity: 200 })] });
  });

  it('commits the named items at most as held, a meter left out using none', () => {
    const events = given(held)
      .when({ ...commitHold('h-1', null, later(10)), items: [{ meter: 'output', quantity: 50 }], meters: hold.meters })
      .then([{ type: 'HoldReleased' }, { type: 'UsageAccepted', data: { meter: 'output', quantity: 50, creditsCharged: 150 } }]);
    const state = fold([...held, ...events]);
    expect([usageOf(state, 'input', '2026-11'), usageOf(state, 'output', '2026-11'), heldCredits(state, later(10))]).toEqual([
      0, 50, 0,
    ]);
  });

  it('refuses more than was held, a meter not held, or a bare quantity', () => {
    const commit = { ...commitHold('h-1', null, later(10)), meters: hold.meters };
    given(held)
      .when({ ...commit, items: [{ meter: 'input', quantity: 801 }] })
      .thenFails('COMMIT_EXCEEDS_HOLD');
    given(held)
      .when({ ...commit, items: [{ meter: 'images', quantity: 1 }] })
      .thenFails('COMMIT_ITEMS_MISMATCH');
    given(held)
      .when({ ...commit, quantity: 5 })
      .thenFails('COMMIT_ITEMS_MISMATCH');
  });

  it('is rejected as a whole when one item does not fit', () => {
    given([...funded, usageAccepted({ meter: 'output', quantity: 450 })])
      .when(holdItems(tokens, priced))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', meter: 'output' } }]);
  });
});

describe('a single usage still', () => {
  it('records no items', () => {
    const [event] = decide(decideUsage({ meter: 'input' }), fold(quotas));
    expect(event).toMatchObject({ type: 'UsageAccepted', data: { meter: 'input' } });
    expect('items' in event.data).toBe(false);
  });
});
