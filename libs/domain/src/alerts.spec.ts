import type { AccountEvent, MeterDefinition } from '@tally/events';
import { decide } from './account-decider';
import { evolve, fold } from './account-state';
import { given } from './testing/given';
import {
  ACCOUNT,
  closedAt,
  creditAlertSet,
  creditsGranted,
  meter,
  opened,
  quotaSet,
  decideUsage,
  reverseUsage,
  usageAccepted,
} from './testing/fixtures';

const ocr: MeterDefinition = meter({ meter: 'ocr', creditsPerUnit: 2 });
const quotaAlert = (threshold: number, fields: object = {}) => ({
  type: 'AlertRaised' as const,
  data: { account: ACCOUNT, kind: 'quota.threshold', threshold, meter: 'geocoding', ...fields },
});

/** Decides and applies each command in turn, returning every event decided. */
function decideAll(history: AccountEvent[], commands: Parameters<typeof decide>[0][]): AccountEvent[] {
  let state = fold(history);
  const decided: AccountEvent[] = [];
  for (const command of commands) {
    const events = decide(command, state);
    decided.push(...events);
    state = events.reduce(evolve, state);
  }
  return decided;
}

describe('quota threshold alerts', () => {
  it('raises an alert with the usage that reaches a percentage of the limit', () => {
    given([...opened(), quotaSet({ limit: 10, alertAt: [80] }), usageAccepted({ quantity: 7, usage: 7 })])
      .when(decideUsage({ quantity: 1 }))
      .then([
        { type: 'UsageAccepted', data: { usage: 8 } },
        quotaAlert(80, { usage: 8, limit: 10, period: '2026-11', raisedAt: '2026-11-22T10:00:00.000Z' }),
      ]);
  });

  it('raises nothing below the percentage', () => {
    given([...opened(), quotaSet({ limit: 10, alertAt: [80] })])
      .when(decideUsage({ quantity: 7 }))
      .then([{ type: 'UsageAccepted' }]);
  });

  it('raises each percentage one usage passes, in ascending order', () => {
    given([...opened(), quotaSet({ limit: 10, enforcement: 'soft', alertAt: [120, 50, 90] })])
      .when(decideUsage({ quantity: 12 }))
      .then([{ type: 'UsageAccepted' }, quotaAlert(50), quotaAlert(90), quotaAlert(120, { usage: 12 })]);
  });

  it('raises a threshold once per period, even after a reversal took usage below it again', () => {
    const history = [...opened(), quotaSet({ limit: 10, alertAt: [50] })];
    const first = decideUsage({ id: 'a', quantity: 6 });
    const decided = decideAll(history, [first, reverseUsage('geocoder', 'a'), decideUsage({ quantity: 6 })]);
    expect(decided.filter((e) => e.type === 'AlertRaised')).toHaveLength(1);
  });

  it('raises it again in the next month', () => {
    const history = [...opened(), quotaSet({ limit: 10, alertAt: [50] })];
    const state = fold([...history, ...decideAll(history, [decideUsage({ quantity: 6 })])]);
    const { closing, opening } = closedAt(state, '2026-12-01T00:00:00.000Z');
    given([...history, ...decideAll(history, [decideUsage({ quantity: 6 })]), closing, opening])
      .when(decideUsage({ quantity: 6 }, null, '2026-12-02T00:00:00.000Z'))
      .then([{ type: 'UsageAccepted' }, quotaAlert(50, { period: '2026-12' })]);
  });

  it('remembers across closed books a late usage of the previous month that already alerted', () => {
    const history = [...opened(), quotaSet({ limit: 10, alertAt: [50] })];
    const november = [...history, ...decideAll(history, [decideUsage({ quantity: 6 })])];
    const { closing, opening } = closedAt(fold(november), '2026-12-01T00:00:00.000Z');
    given([...november, closing, opening])
      .when(decideUsage({ quantity: 1, time: '2026-11-30T00:00:00.000Z' }, null, '2026-12-02T00:00:00.000Z'))
      .then([{ type: 'UsageAccepted', data: { month: '2026-11', usage: 7 } }]);
  });

  it('counts cumulative capacity (period none) as one period, without a period in the alert', () => {
    const events = given([...opened(), quotaSet({ limit: 4, period: 'none', alertAt: [75] })])
      .when(decideUsage({ quantity: 3 }))
      .then([{ type: 'UsageAccepted' }, quotaAlert(75, { usage: 3, limit: 4 })]);
    expect(events[1].data).not.toHaveProperty('period');
  });

  it('raises nothing for a rejected usage, an unlimited quota or a quota without alertAt', () => {
    given([...opened(), quotaSet({ limit: 10, alertAt: [50] })])
      .when(decideUsage({ quantity: 11 }))
      .then([{ type: 'UsageRejected' }]);
    given([...opened(), quotaSet({ limit: null, alertAt: [50] })])
      .when(decideUsage({ quantity: 11 }))
      .then([{ type: 'UsageAccepted' }]);
    given([...opened(), quotaSet({ limit: 10 })])
      .when(decideUsage({ quantity: 10 }))
      .then([{ type: 'UsageAccepted' }]);
  });

  it('gives the same alert the same id when the decision is re-run, and another alert another id', () => {
    const history = [...opened(), quotaSet({ limit: 10, alertAt: [50, 80] })];
    const command = decideUsage({ quantity: 9 });
    const [, a, b] = decide(command, fold(history));
    const [, again] = decide(command, fold(history));
    expect(a.data).toMatchObject({ id: expect.stringMatching(/^alrt_[0-9a-f]{32}$/) });
    expect(again.data).toEqual(a.data);
    expect((b.data as { id: string }).id).not.toBe((a.data as { id: string }).id);
  });
});

describe('credit alerts', () => {
  it('records the threshold an admin sets', () => {
    given(opened())
      .when({ type: 'SetCreditAlert', account: ACCOUNT, creditsBelow: 20, now: '2026-11-22T10:00:00.000Z' })
      .then([{ type: 'CreditAlertSet', data: { account: ACCOUNT, creditsBelow: 20 } }]);
  });

  it('raises credits.low when a debit brings the balance below the threshold', () => {
    given([...opened(), creditsGranted(30), creditAlertSet(20)])
      .when(decideUsage({ meter: 'ocr', quantity: 6 }, ocr))
      .then([
        { type: 'UsageAccepted', data: { creditsCharged: 12 } },
        { type: 'AlertRaised', data: { account: ACCOUNT, kind: 'credits.low', threshold: 20, balance: 18 } },
      ]);
  });

  it('raises it once per crossing: not while the balance stays below, again after a grant took it back up', () => {
    const history = [...opened(), creditsGranted(30), creditAlertSet(20)];
    const spend = () => decideUsage({ meter: 'ocr', quantity: 2 }, ocr);
    const grant = {
      type: 'GrantCredits' as const,
      account: ACCOUNT,
      amount: 10,
      reason: null,
      grantId: null,
      now: '2026-11-22T10:00:00.000Z',
    };
    const decided = decideAll(history, [spend(), spend(), spend(), spend(), grant, spend(), spend(), spend()]);
    const alerts = decided.filter((e) => e.type === 'AlertRaised').map((e) => (e.data as { balance: number }).balance);
    // 30 → 26 → 22 → 18 (alert) → 14; +10 = 24 → 20 → 16 (alert) → 12
    expect(alerts).toEqual([18, 16]);
  });

  it('raises nothing without a threshold, or after it was cleared', () => {
    given([...opened(), creditsGranted(30)])
      .when(decideUsage({ meter: 'ocr', quantity: 10 }, ocr))
      .then([{ type: 'UsageAccepted' }]);
    given([...opened(), creditsGranted(30), creditAlertSet(20), creditAlertSet(null)])
      .when(decideUsage({ meter: 'ocr', quantity: 10 }, ocr))
      .then([{ type: 'UsageAccepted' }]);
  });

  it('keeps the threshold across closed books', () => {
    const november = [...opened(), creditsGranted(30), creditAlertSet(20)];
    const { closing, opening } = closedAt(fold(november), '2026-12-01T00:00:00.000Z');
    given([...november, closing, opening])
      .when(decideUsage({ meter: 'ocr', quantity: 6 }, ocr, '2026-12-02T00:00:00.000Z'))
      .then([{ type: 'UsageAccepted' }, { type: 'AlertRaised', data: { kind: 'credits.low', balance: 18 } }]);
  });
});
