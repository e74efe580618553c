import { decided } from './testing/decided';
import { given } from './testing/given';
import { NOW, commitHold, creditAlertSet, creditsGranted, holdUsage, meter, opened, quotaSet } from './testing/fixtures';

const ocr = meter({ meter: 'ocr', creditsPerUnit: 2 });

describe('alerts of a reservation', () => {
  const alertingTen = [...opened(), quotaSet({ limit: 10, alertAt: [50] })];

  it('raises nothing when units are only held: a hold is not usage', () => {
    given(alertingTen)
      .when(holdUsage({ id: 'h-1', quantity: 8 }))
      .then([{ type: 'UsageHeld' }]);
  });

  it('raises the quota thresholds the committed units cross, with the commit', () => {
    given(decided(alertingTen, holdUsage({ id: 'h-1', quantity: 8 })))
      .when(commitHold('h-1', 6))
      .then([
        { type: 'HoldReleased', data: { committed: 6 } },
        { type: 'UsageAccepted', data: { quantity: 6, usage: 6 } },
        { type: 'AlertRaised', data: { kind: 'quota.threshold', threshold: 50, usage: 6, limit: 10 } },
      ]);
  });

  it('raises credits.low when the committed units take the balance below the threshold', () => {
    given(
      decided([...opened(), creditsGranted(25), creditAlertSet(20)], holdUsage({ id: 'h-1', meter: 'ocr', quantity: 5 }, ocr)),
    )
      .when(commitHold('h-1', 4, NOW, ocr))
      .then([
        { type: 'HoldReleased', data: { committed: 4 } },
        { type: 'UsageAccepted', data: { creditsCharged: 8 } },
        { type: 'AlertRaised', data: { kind: 'credits.low', threshold: 20, balance: 17 } },
      ]);
  });
});
