import type { TallyEvent } from '@tally/events';
import { accepted, quotaSet, rejected, reversed, reversedItems, twoItems } from '../testing/events';
import { dailyChanges, originKey, originsCutoff, reversedOrigins } from './daily';

/** Given events (and the days of earlier usages), the counts each day key gains, keyed "account|day|meter|subject". */
function added(events: TallyEvent[], known: Array<[string, string]> = []) {
  const { counts } = dailyChanges(events, new Map(known));
  return Object.fromEntries(
    [...counts.values()].map(({ key, add }) => [`${key.account}|${key.day}|${key.meter}|${key.subject}`, add]),
  );
}

describe('daily usage projection', () => {
  it('counts a multi-item usage on each of its meters, and its reversal off each', () => {
    expect(
      added([
        accepted({ id: 'm', quantity: 3, items: twoItems, time: '2026-11-04T10:00:00.000Z' }),
        accepted({ id: 'n', quantity: 3, items: twoItems, time: '2026-11-05T10:00:00.000Z' }),
        reversedItems('m', '2026-11-09T00:00:00.000Z'),
      ]),
    ).toEqual({
      'acme|2026-11-04|geo|alice': { units: 0, requests: 0, rejected: 0 },
      'acme|2026-11-04|ocr|alice': { units: 0, requests: 0, rejected: 0 },
      'acme|2026-11-05|geo|alice': { units: 3, requests: 1, rejected: 0 },
      'acme|2026-11-05|ocr|alice': { units: 2, requests: 1, rejected: 0 },
    });
  });

  it('counts a usage on the UTC day of its event time: 23:59:59.999Z and 00:00Z fall on two days', () => {
    expect(
      added([
        accepted({ id: 'a', quantity: 3, time: '2026-11-04T23:59:59.999Z' }),
        accepted({ id: 'b', quantity: 4, time: '2026-11-05T00:00:00.000Z' }),
        accepted({ id: 'c', quantity: 5, time: '2026-11-05T12:00:00.000Z', subject: 'bob' }),
        rejected({ id: 'd', quantity: 100, time: '2026-11-05T13:00:00.000Z' }),
      ]),
    ).toEqual({
      'acme|2026-11-04|geo|alice': { units: 3, requests: 1, rejected: 0 },
      'acme|2026-11-05|geo|alice': { units: 4, requests: 1, rejected: 1 },
      'acme|2026-11-05|geo|bob': { units: 5, requests: 1, rejected: 0 },
    });
  });

  it('takes a reversal off the day the usage was counted on, when both are in one batch', () => {
    expect(
      added([
        accepted({ id: 'a', quantity: 3, time: '2026-11-04T10:00:00.000Z' }),
        reversed({ id: 'a', quantity: 3 }, 0, '2026-11-09T00:00:00.000Z'),
      ]),
    ).toEqual({ 'acme|2026-11-04|geo|alice': { units: 0, requests: 0, rejected: 0 } });
  });

  it('takes a reversal off the day an earlier batch counted the usage on, looked up by account, source and id', () => {
    const reversal = reversed({ id: 'a', quantity: 3 }, 0, '2026-11-20T00:00:00.000Z');
    expect(reversedOrigins([reversal])).toEqual([['acme', 'svc', 'a']]);
    expect(added([reversal], [[originKey('acme', 'svc', 'a'), '2026-11-02']])).toEqual({
      'acme|2026-11-02|geo|alice': { units: -3, requests: -1, rejected: 0 },
    });
  });

  it('nets a reversal of a usage it never saw on the first day of the usage month, so the days still sum to the month', () => {
    expect(added([reversed({ id: 'x', quantity: 2, month: '2026-10' })])).toEqual({
      'acme|2026-10-01|geo|alice': { units: -2, requests: -1, rejected: 0 },
    });
  });

  it('remembers the day and decision time of each accepted usage, the latest under a reused id', () => {
    const { origins } = dailyChanges(
      [
        accepted({ id: 'a', time: '2026-11-01T00:00:00.000Z' }),
        rejected({ id: 'r' }),
        accepted({ id: 'a', time: '2026-12-07T00:00:00.000Z', month: '2026-12', decidedAt: '2027-01-02T00:00:00.000Z' }),
      ],
      new Map(),
    );
    expect([...origins]).toEqual([[originKey('acme', 'svc', 'a'), { day: '2026-12-07', decidedAt: '2027-01-02T00:00:00.000Z' }]]);
  });

  describe('which origins a batch lets go (a usage is reversible for 35 days after its decision)', () => {
    it('keeps origins decided within the 35-day window and 2 days of clock skew before the newest decision in the batch', () => {
      // Given a batch whose newest decision is a usage decided on 2027-01-10 (its event time is older: it came late)
      const batch = [
        accepted({ id: 'a', time: '2026-12-01T00:00:00.000Z', decidedAt: '2027-01-10T12:00:00.000Z' }),
        accepted({ id: 'b', decidedAt: '2027-01-09T00:00:00.000Z' }),
      ];
      // Then origins decided before 2027-01-10T12:00Z − 37 days may go: the decision time, not the usage time, counts
      expect(originsCutoff(batch)).toBe('2026-12-04T12:00:00.000Z');
    });

    it('counts a rejection and a reversal as decisions too, and nothing else', () => {
      // Given a reversal decided after every usage in its batch, and a quota change later still
      const batch = [
        rejected({ id: 'r', decidedAt: '2027-01-01T00:00:00.000Z' }),
        reversed({ id: 'a' }, 0, '2027-02-06T00:00:00.000Z'),
        quotaSet(5, '2027-03-01T00:00:00.000Z'),
      ];
      // Then the reversal's time is the newest decision
      expect(originsCutoff(batch)).toBe('2026-12-31T00:00:00.000Z');
    });

    it('lets nothing go for a batch without a decision: the wall clock is never asked', () => {
      expect(originsCutoff([quotaSet(5, '2027-03-01T00:00:00.000Z')])).toBeNull();
      expect(originsCutoff([])).toBeNull();
    });
  });

  it('ignores events that are not usage decisions', () => {
    expect(
      added([
        {
          type: 'CreditsGranted',
          data: {
            ...{ account: 'acme', amount: 5, reason: null, grantId: 'g', priority: 50, effectiveAt: '2026-11-01T00:00:00.000Z' },
            ...{ expiresAt: null, balance: 5, at: '2026-11-01T00:00:00.000Z' },
          },
        },
      ]),
    ).toEqual({});
  });
});
