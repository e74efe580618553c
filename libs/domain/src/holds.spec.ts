import { decided } from './testing/decided';
import { given } from './testing/given';
import {
  NOW,
  commitHold,
  creditsGranted,
  holdUsage,
  later,
  meter,
  opened,
  quotaSet,
  releaseHold,
  decideUsage,
  usageAccepted,
} from './testing/fixtures';

const ocr = meter({ meter: 'ocr', creditsPerUnit: 2 });
const hardTen = [...opened(), quotaSet({ limit: 10 })];

describe('HoldUsage', () => {
  it('holds the quantity until decision time + ttl, leaving usage untouched', () => {
    given(hardTen)
      .when(holdUsage({ id: 'h-1', quantity: 4 }, null, NOW, 60))
      .then([{ type: 'UsageHeld', data: { id: 'h-1', quantity: 4, usage: 0, remaining: 6, expiresAt: later(60) } }]);
  });

  it('counts holds against a hard limit: usage + held + q ≤ limit', () => {
    given(decided(hardTen, holdUsage({ id: 'h-1', quantity: 6 })))
      .when(decideUsage({ quantity: 5 }))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED', usage: 0, remaining: 4 } }]);
    given(decided(hardTen, holdUsage({ id: 'h-1', quantity: 6 })))
      .when(holdUsage({ id: 'h-2', quantity: 4 }))
      .then([{ type: 'UsageHeld', data: { remaining: 0 } }]);
  });

  it('is accepted on a soft quota past the limit', () => {
    given([...opened(), quotaSet({ limit: 10, enforcement: 'soft' }), usageAccepted({ quantity: 9 })])
      .when(holdUsage({ id: 'h-1', quantity: 5 }))
      .then([{ type: 'UsageHeld', data: { quantity: 5, usage: 9, overage: 4 } }]);
  });

  it('holds q × creditsPerUnit credits, which later usage cannot spend', () => {
    const history = decided([...opened(), creditsGranted(10)], holdUsage({ id: 'h-1', meter: 'ocr', quantity: 3 }, ocr));
    given([...opened(), creditsGranted(10)])
      .when(holdUsage({ id: 'h-1', meter: 'ocr', quantity: 3 }, ocr))
      .then([{ type: 'UsageHeld', data: { creditsHeld: 6 } }]);
    given(history)
      .when(decideUsage({ meter: 'ocr', quantity: 3 }, ocr))
      .then([{ type: 'UsageRejected', data: { reason: 'INSUFFICIENT_CREDITS' } }]);
    given(history)
      .when(decideUsage({ meter: 'ocr', quantity: 2 }, ocr))
      .then([{ type: 'UsageAccepted', data: { creditsCharged: 4 } }]);
  });

  it('is rejected like a usage, with an ordinary UsageRejected', () => {
    given(hardTen)
      .when(holdUsage({ id: 'h-1', quantity: 11 }))
      .then([{ type: 'UsageRejected', data: { id: 'h-1', reason: 'QUOTA_EXCEEDED' } }]);
  });

  it('decides a duplicate hold id nothing (the original decision is the answer), before or after its commit', () => {
    const held = decided(hardTen, holdUsage({ id: 'h-1', quantity: 4 }));
    given(held)
      .when(holdUsage({ id: 'h-1', quantity: 9 }))
      .thenNothing();
    given(decided(held, commitHold('h-1', 2)))
      .when(holdUsage({ id: 'h-1', quantity: 9 }))
      .thenNothing();
    given(held)
      .when(decideUsage({ id: 'h-1', quantity: 1 }))
      .thenNothing();
  });

  it('stops counting at expiresAt, with no event', () => {
    const held = decided(hardTen, holdUsage({ id: 'h-1', quantity: 8 }, null, NOW, 60));
    given(held)
      .when(decideUsage({ quantity: 5 }, null, later(59)))
      .then([{ type: 'UsageRejected', data: { reason: 'QUOTA_EXCEEDED' } }]);
    given(held)
      .when(decideUsage({ quantity: 5 }, null, later(60)))
      .then([{ type: 'UsageAccepted', data: { usage: 5, remaining: 5 } }]);
  });
});

describe('CommitHold', () => {
  const held = decided(hardTen, holdUsage({ id: 'h-1', quantity: 5 }));

  it('records less than held as an accepted usage under the hold id, and frees the rest', () => {
    const events = given(held)
      .when(commitHold('h-1', 3, later(10)))
      .then([
        { type: 'HoldReleased', data: { id: 'h-1', quantity: 5, committed: 3 } },
        { type: 'UsageAccepted', data: { id: 'h-1', quantity: 3, usage: 3, remaining: 7, reportedBy: 'key-2' } },
      ]);
    given([...held, ...events])
      .when(decideUsage({ quantity: 7 }))
      .then([{ type: 'UsageAccepted', data: { usage: 10 } }]);
  });

  it('records all the held units when no quantity (or exactly the held quantity) is given', () => {
    given(held)
      .when(commitHold('h-1', null))
      .then([
        { type: 'HoldReleased', data: { committed: 5 } },
        { type: 'UsageAccepted', data: { quantity: 5 } },
      ]);
    given(held)
      .when(commitHold('h-1', 5))
      .then([{ type: 'HoldReleased' }, { type: 'UsageAccepted', data: { quantity: 5, usage: 5 } }]);
  });

  it('refuses more than was held: 409 COMMIT_EXCEEDS_HOLD, nothing recorded', () => {
    given(held).when(commitHold('h-1', 6)).thenFails('COMMIT_EXCEEDS_HOLD');
  });

  it('charges the committed units at the held price', () => {
    const withCredits = decided([...opened(), creditsGranted(10)], holdUsage({ id: 'h-1', meter: 'ocr', quantity: 4 }, ocr));
    given(withCredits)
      .when(commitHold('h-1', 1, NOW, ocr))
      .then([
        { type: 'HoldReleased', data: { creditsHeld: 8 } },
        { type: 'UsageAccepted', data: { creditsCharged: 2 } },
      ]);
  });

  it('decides a repeated commit nothing: the first commit is the answer', () => {
    given(decided(held, commitHold('h-1', 2)))
      .when(commitHold('h-1', 4))
      .thenNothing();
  });

  it('refuses a commit after expiry with RESERVATION_EXPIRED', () => {
    given(held)
      .when(commitHold('h-1', 1, later(300)))
      .thenFails('RESERVATION_EXPIRED');
  });

  it('refuses an unknown, a rejected or a released hold', () => {
    given(held).when(commitHold('nope', 1)).thenFails('RESERVATION_NOT_FOUND');
    given(decided(hardTen, holdUsage({ id: 'big', quantity: 11 })))
      .when(commitHold('big', 1))
      .thenFails('RESERVATION_NOT_FOUND');
    given(decided(held, releaseHold('h-1')))
      .when(commitHold('h-1', 1))
      .thenFails('RESERVATION_RELEASED');
  });
});

describe('ReleaseHold', () => {
  const held = decided(hardTen, holdUsage({ id: 'h-1', quantity: 5 }));

  it('frees every held unit at once', () => {
    const events = given(held)
      .when(releaseHold('h-1'))
      .then([{ type: 'HoldReleased', data: { id: 'h-1', quantity: 5, committed: null } }]);
    given([...held, ...events])
      .when(decideUsage({ quantity: 10 }))
      .then([{ type: 'UsageAccepted' }]);
  });

  it('decides a second release nothing, and refuses unknown, committed and expired holds', () => {
    given(decided(held, releaseHold('h-1')))
      .when(releaseHold('h-1'))
      .thenNothing();
    given(held).when(releaseHold('nope')).thenFails('RESERVATION_NOT_FOUND');
    given(decided(held, commitHold('h-1', 1)))
      .when(releaseHold('h-1'))
      .thenFails('RESERVATION_COMMITTED');
    given(held)
      .when(releaseHold('h-1', later(301)))
      .thenFails('RESERVATION_EXPIRED');
  });
});
