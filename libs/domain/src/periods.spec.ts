import fc from 'fast-check';
import { QUOTA_PERIODS, type QuotaPeriod } from '@tally/events';
import { boundsOfKey, periodBounds, periodEndsAfter, periodKeyOf, TOTAL, type PeriodTerms } from './periods';

const Z = (day: string, time = '00:00:00') => `${day}T${time}.000Z`;

/** Given terms, when an instant is placed, then it lies in [start, end). */
function given(period: QuotaPeriod, anchor: string | null = null) {
  return {
    at: (instant: string) => ({
      isIn: (start: string, end: string) => expect(periodBounds({ period, anchor }, instant)).toEqual({ start, end }),
    }),
  };
}

describe('day periods', () => {
  it('run from midnight to midnight UTC', () => {
    given('day').at('2026-03-29T01:30:00Z').isIn(Z('2026-03-29'), Z('2026-03-30'));
    given('day').at(Z('2026-03-29')).isIn(Z('2026-03-29'), Z('2026-03-30'));
    given('day').at('2026-03-29T23:59:59.999Z').isIn(Z('2026-03-29'), Z('2026-03-30'));
  });

  it('cross the end of a year and a leap day', () => {
    given('day').at('2026-12-31T12:00:00Z').isIn(Z('2026-12-31'), Z('2027-01-01'));
    given('day').at('2028-02-29T12:00:00Z').isIn(Z('2028-02-29'), Z('2028-03-01'));
  });
});

describe('week periods (ISO weeks)', () => {
  it('start on Monday 00:00 UTC', () => {
    // 2026-11-22 is a Sunday, 2026-11-23 a Monday.
    given('week').at('2026-11-22T23:59:59.999Z').isIn(Z('2026-11-16'), Z('2026-11-23'));
    given('week').at(Z('2026-11-23')).isIn(Z('2026-11-23'), Z('2026-11-30'));
    given('week').at('2026-11-25T08:00:00Z').isIn(Z('2026-11-23'), Z('2026-11-30'));
  });

  it('span a month and a year end', () => {
    given('week').at(Z('2027-01-01')).isIn(Z('2026-12-28'), Z('2027-01-04'));
  });
});

describe('calendar months and years', () => {
  it('follow the calendar without an anchor', () => {
    given('month').at('2028-02-29T23:00:00Z').isIn(Z('2028-02-01'), Z('2028-03-01'));
    given('year').at('2026-07-04T00:00:00Z').isIn(Z('2026-01-01'), Z('2027-01-01'));
    given('year').at(Z('2027-01-01')).isIn(Z('2027-01-01'), Z('2028-01-01'));
  });

  it('are keyed as every release keyed them: the month as YYYY-MM, cumulative usage as total', () => {
    expect(periodKeyOf({ period: 'month', anchor: null }, '2026-11-22T10:00:00.000Z')).toBe('2026-11');
    expect(periodKeyOf({ period: 'none', anchor: null }, '2026-11-22T10:00:00.000Z')).toBe(TOTAL);
    expect(periodBounds({ period: 'none', anchor: null }, '2026-11-22T10:00:00.000Z')).toBeNull();
  });
});

describe('anchored months', () => {
  it('start at the anchor day and time of day, whatever its month and year', () => {
    const anchor = '2026-01-15T09:00:00Z';
    given('month', anchor).at('2026-11-22T10:00:00Z').isIn(Z('2026-11-15', '09:00:00'), Z('2026-12-15', '09:00:00'));
    given('month', anchor).at('2026-11-15T08:59:59.999Z').isIn(Z('2026-10-15', '09:00:00'), Z('2026-11-15', '09:00:00'));
    given('month', anchor).at(Z('2026-11-15', '09:00:00')).isIn(Z('2026-11-15', '09:00:00'), Z('2026-12-15', '09:00:00'));
  });

  it('cross a year end', () => {
    given('month', '2020-05-20T00:00:00Z').at(Z('2027-01-02')).isIn(Z('2026-12-20'), Z('2027-01-20'));
  });

  it('from the 31st, fall on the last day of shorter months and come back to the 31st', () => {
    const anchor = '2026-01-31T12:00:00Z';
    given('month', anchor).at(Z('2026-02-10')).isIn(Z('2026-01-31', '12:00:00'), Z('2026-02-28', '12:00:00'));
    given('month', anchor).at(Z('2026-03-01')).isIn(Z('2026-02-28', '12:00:00'), Z('2026-03-31', '12:00:00'));
    given('month', anchor).at(Z('2026-04-10')).isIn(Z('2026-03-31', '12:00:00'), Z('2026-04-30', '12:00:00'));
    given('month', anchor).at(Z('2026-05-10')).isIn(Z('2026-04-30', '12:00:00'), Z('2026-05-31', '12:00:00'));
  });

  it('from the 31st, fall on 29 February in a leap year', () => {
    const anchor = '2026-01-31T00:00:00Z';
    given('month', anchor).at(Z('2028-02-15')).isIn(Z('2028-01-31'), Z('2028-02-29'));
    given('month', anchor).at('2028-02-29T00:00:00Z').isIn(Z('2028-02-29'), Z('2028-03-31'));
  });

  it('from the 29th, start on 28 February in a common year, on the 29th in a leap year', () => {
    const anchor = '2024-02-29T06:00:00Z';
    given('month', anchor).at(Z('2026-03-10')).isIn(Z('2026-02-28', '06:00:00'), Z('2026-03-29', '06:00:00'));
    given('month', anchor).at(Z('2028-03-10')).isIn(Z('2028-02-29', '06:00:00'), Z('2028-03-29', '06:00:00'));
  });

  it('read an anchor with an offset as the instant it names, in UTC', () => {
    given('month', '2026-01-01T01:00:00+02:00')
      .at(Z('2026-03-01'))
      .isIn(Z('2026-02-28', '23:00:00'), Z('2026-03-31', '23:00:00'));
  });

  it('are keyed by their interval', () => {
    expect(periodKeyOf({ period: 'month', anchor: '2026-01-15T09:00:00.000Z' }, '2026-11-22T10:00:00.000Z')).toBe(
      '2026-11-15T09:00:00.000Z/2026-12-15T09:00:00.000Z',
    );
  });
});

describe('anchored years', () => {
  it('start on the anchor month, day and time of day every year', () => {
    const anchor = '2025-04-01T00:00:00Z';
    given('year', anchor).at(Z('2026-11-22')).isIn(Z('2026-04-01'), Z('2027-04-01'));
    given('year', anchor).at('2026-03-31T23:59:59.999Z').isIn(Z('2025-04-01'), Z('2026-04-01'));
  });

  it('from 29 February, start on 28 February in common years', () => {
    const anchor = '2024-02-29T00:00:00Z';
    given('year', anchor).at(Z('2024-03-01')).isIn(Z('2024-02-29'), Z('2025-02-28'));
    given('year', anchor).at(Z('2026-02-28')).isIn(Z('2026-02-28'), Z('2027-02-28'));
    given('year', anchor).at(Z('2027-12-31')).isIn(Z('2027-02-28'), Z('2028-02-29'));
    given('year', anchor).at(Z('2028-02-28')).isIn(Z('2027-02-28'), Z('2028-02-29'));
  });
});

describe('period keys', () => {
  it('name their bounds, and a period still counts while it ends after the instant', () => {
    expect(boundsOfKey('2026-02')).toEqual({ start: Z('2026-02-01'), end: Z('2026-03-01') });
    expect(boundsOfKey(`${Z('2026-02-28')}/${Z('2026-03-31')}`)).toEqual({ start: Z('2026-02-28'), end: Z('2026-03-31') });
    expect(boundsOfKey(TOTAL)).toBeNull();
    expect(periodEndsAfter('2026-02', Z('2026-02-28', '23:59:59'))).toBe(true);
    expect(periodEndsAfter('2026-02', Z('2026-03-01'))).toBe(false);
    expect(periodEndsAfter(TOTAL, Z('2099-01-01'))).toBe(true);
  });
});

const PERIODS = QUOTA_PERIODS.filter((p) => p !== 'none');
const instant = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59Z'), noInvalidDate: true });
const terms: fc.Arbitrary<PeriodTerms> = fc.oneof(
  fc.constantFrom(...PERIODS).map((period) => ({ period, anchor: null })),
  fc.record({ period: fc.constantFrom<QuotaPeriod>('month', 'year'), anchor: instant.map((d) => d.toISOString()) }),
);

describe('every period arrangement', () => {
  it('places every instant in exactly one period, and each period ends where the next begins', () => {
    fc.assert(
      fc.property(terms, instant, (t, d) => {
        const at = d.toISOString();
        const bounds = periodBounds(t, at)!;
        expect(bounds.start <= at && at < bounds.end).toBe(true);
        // Every instant of the period lies in this same period: its first and its last.
        expect(periodBounds(t, bounds.start)).toEqual(bounds);
        expect(periodBounds(t, new Date(Date.parse(bounds.end) - 1).toISOString())).toEqual(bounds);
        // Contiguous: the next period starts at this one's end, the previous ends at its start.
        expect(periodBounds(t, bounds.end)!.start).toBe(bounds.end);
        expect(periodBounds(t, new Date(Date.parse(bounds.start) - 1).toISOString())!.end).toBe(bounds.start);
      }),
      { numRuns: 2000 },
    );
  });

  it('keys one period by one key: two instants share a key exactly when they share a period', () => {
    fc.assert(
      fc.property(terms, instant, instant, (t, a, b) => {
        const [x, y] = [a.toISOString(), b.toISOString()];
        expect(periodKeyOf(t, x) === periodKeyOf(t, y)).toBe(periodBounds(t, x)!.start === periodBounds(t, y)!.start);
        expect(boundsOfKey(periodKeyOf(t, x))).toEqual(periodBounds(t, x));
      }),
      { numRuns: 1000 },
    );
  });
});
