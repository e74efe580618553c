import { accepted, rejected, reversed, reversedItems, twoItems } from '../testing/events';
import { rowsOf } from '../testing/rows-of';
import { usageMonthly, usageMonthlyBySubject, usageTotals } from './projection';

const events = [
  accepted({ id: 'a', quantity: 3 }),
  accepted({ id: 'b', quantity: 4, subject: 'bob' }),
  accepted({ id: 'c', quantity: 5, month: '2026-12', time: '2026-12-01T00:00:00.000Z' }),
  rejected({ id: 'd', quantity: 100 }),
  reversed({ id: 'a', quantity: 3 }),
];

describe('usage projections', () => {
  it('count units net of reversals, accepted requests and rejections per account, meter and month', () => {
    expect(rowsOf(usageMonthly, events)).toEqual({
      'acme|geo|2026-11': { units: 4, requests: 1, rejected: 1 },
      'acme|geo|2026-12': { units: 5, requests: 1, rejected: 0 },
    });
  });

  it('break the same down by subject', () => {
    expect(rowsOf(usageMonthlyBySubject, events)).toEqual({
      'acme|geo|2026-11|alice': { units: 0, requests: 0, rejected: 1 },
      'acme|geo|2026-11|bob': { units: 4, requests: 1, rejected: 0 },
      'acme|geo|2026-12|alice': { units: 5, requests: 1, rejected: 0 },
    });
  });

  it('keep a running total per account and meter across months', () => {
    expect(rowsOf(usageTotals, events)).toEqual({ 'acme|geo': { units: 9, requests: 2, rejected: 1 } });
  });

  it('count a multi-item usage on each of its meters, and its reversal off each', () => {
    const multi = [
      accepted({ id: 'm', quantity: 3, items: twoItems }),
      rejected({ id: 'n', meter: 'ocr', quantity: 2, items: twoItems }),
    ];
    expect(rowsOf(usageMonthly, multi)).toEqual({
      'acme|geo|2026-11': { units: 3, requests: 1, rejected: 1 },
      'acme|ocr|2026-11': { units: 2, requests: 1, rejected: 1 },
    });
    expect(rowsOf(usageTotals, [...multi, reversedItems('m')])).toEqual({
      'acme|geo': { units: 0, requests: 0, rejected: 1 },
      'acme|ocr': { units: 0, requests: 0, rejected: 1 },
    });
  });
});
