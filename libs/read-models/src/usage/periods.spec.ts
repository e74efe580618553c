import { accepted, reversed } from '../testing/events';
import { rowsOf } from '../testing/rows-of';
import { usagePeriods } from './periods';

const DAY = '2026-11-05T00:00:00.000Z/2026-11-06T00:00:00.000Z';
const ANCHORED = '2026-10-15T09:00:00.000Z/2026-11-15T09:00:00.000Z';

describe('usage by quota period', () => {
  it('files a usage under its month, or under the period it names, in the month that period starts', () => {
    const events = [
      accepted({ id: 'a', quantity: 3 }),
      accepted({ id: 'b', quantity: 4, period: ANCHORED }),
      reversed({ id: 'a', quantity: 3 }),
    ];
    expect(rowsOf(usagePeriods, events)).toEqual({
      '2026-11|acme|geo|2026-11': { units: 0, requests: 0, rejected: 0 },
      [`2026-10|acme|geo|${ANCHORED}`]: { units: 4, requests: 1, rejected: 0 },
    });
  });

  it('files each line of a multi-item usage under its own period, and its reversal off each', () => {
    const items = [
      { meter: 'geo', quantity: 3, period: DAY, usage: 3, limit: 10, remaining: 7, overage: 0, credits: 0 },
      { meter: 'ocr', quantity: 2, usage: 2, limit: null, remaining: null, overage: 0, credits: 0 },
    ];
    const multi = accepted({ id: 'm', quantity: 3, period: DAY, items });
    expect(rowsOf(usagePeriods, [multi])).toEqual({
      [`2026-11|acme|geo|${DAY}`]: { units: 3, requests: 1, rejected: 0 },
      '2026-11|acme|ocr|2026-11': { units: 2, requests: 1, rejected: 0 },
    });
    const reversal = reversed({ id: 'm', quantity: 3 });
    const lines = items.map(({ meter, quantity, period }) => ({
      meter,
      quantity,
      creditsRefunded: 0,
      ...(period ? { period } : {}),
    }));
    const back = { ...reversal, data: { ...reversal.data, period: DAY, items: lines } } as typeof reversal;
    expect(rowsOf(usagePeriods, [multi, back])).toEqual({
      [`2026-11|acme|geo|${DAY}`]: { units: 0, requests: 0, rejected: 0 },
      '2026-11|acme|ocr|2026-11': { units: 0, requests: 0, rejected: 0 },
    });
  });
});
