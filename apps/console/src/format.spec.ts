import { toSeries, usageWindow } from './components/series';
import {
  addDays,
  addMonths,
  currentDay,
  currentMonth,
  daysBetween,
  monthsBetween,
  periodLabel,
  rateLimitText,
  totals,
  units,
  when,
} from './format';

describe('console formatting', () => {
  it('walks months across year ends', () => {
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(monthsBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(currentMonth(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12');
  });

  it('walks UTC days across month ends, leap days and year ends', () => {
    expect([addDays('2024-02-28', 1), addDays('2024-02-29', 1), addDays('2026-02-28', 1)]).toEqual([
      '2024-02-29',
      '2024-03-01',
      '2026-03-01',
    ]);
    expect([addDays('2027-01-01', -1), addDays('2026-03-31', 1), addDays('2026-12-07', -29)]).toEqual([
      '2026-12-31',
      '2026-04-01',
      '2026-11-08',
    ]);
    expect(daysBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(daysBetween('2026-01-02', '2026-01-01')).toEqual([]);
    // The day is UTC's whatever the clock's zone: 23:59 UTC on the 31st is still the 31st.
    expect([currentDay(new Date('2026-12-31T23:59:59Z')), currentDay(new Date('2027-01-01T00:30:00+01:00'))]).toEqual([
      '2026-12-31',
      '2026-12-31',
    ]);
  });

  it('asks for the last six months by month, or the last thirty UTC days by day', () => {
    const now = new Date('2026-03-01T00:10:00Z');
    expect(usageWindow('month', now)).toEqual({
      periods: ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'],
      query: 'from=2025-10&to=2026-03',
    });
    const daily = usageWindow('day', now);
    expect(daily.query).toBe('granularity=day&from=2026-01-31&to=2026-03-01');
    expect([daily.periods.length, daily.periods[0], daily.periods.at(-2), daily.periods.at(-1)]).toEqual([
      30,
      '2026-01-31',
      '2026-02-28',
      '2026-03-01',
    ]);
    expect(usageWindow('day', new Date('2028-03-01T12:00:00Z')).periods.slice(-2)).toEqual(['2028-02-29', '2028-03-01']);
  });

  it('sums amounts exactly per currency, where floating point would drift', () => {
    const lines = Array.from({ length: 10 }, () => ({ amount: '0.10', currency: 'USD' }));
    expect(totals([...lines, { amount: '0.20', currency: 'EUR' }, { amount: '123456789012345.99', currency: 'EUR' }])).toEqual([
      { currency: 'EUR', amount: '123456789012346.19' },
      { currency: 'USD', amount: '1.00' },
    ]);
    expect(totals([{ amount: '7', currency: 'USD' }])).toEqual([{ currency: 'USD', amount: '7.00' }]);
  });

  it("names a quota's period, and where an anchored one starts", () => {
    expect(['day', 'week', 'month', 'year', 'none'].map((period) => periodLabel({ period, anchor: null }))).toEqual([
      'daily',
      'weekly (from Monday)',
      'monthly',
      'yearly',
      'cumulative',
    ]);
    expect(periodLabel({ period: 'month', anchor: '2026-01-15T09:00:00.000Z' })).toBe('monthly from day 15, 09:00 UTC');
    expect(periodLabel({ period: 'year', anchor: '2024-02-29T00:00:00.000Z' })).toBe('yearly from 29 Feb, 00:00 UTC');
  });

  it('writes limits and times for people', () => {
    expect([units(null), units(1234567), units(0)]).toEqual(['unlimited', '1,234,567', '0']);
    expect([when(null), when('2026-11-30T03:40:01.123Z')]).toEqual(['—', '2026-11-30 03:40:01 UTC']);
  });

  it('writes rate limits for people, naming the burst only when it differs from the rate', () => {
    expect(rateLimitText({ units: 10, per: 'second', burst: 10 })).toBe('10 per second');
    expect(rateLimitText({ units: 1000, per: 'hour', burst: 5000 })).toBe('1,000 per hour (bursts of 5,000)');
    expect(rateLimitText(null)).toBe('');
  });

  it('groups monthly lines into one series per name, zero where a month has none', () => {
    const months = ['2026-10', '2026-11'];
    const lines = [
      { month: '2026-11', meter: 'ocr', subject: 'bob', units: 5 },
      { month: '2026-10', meter: 'geo', subject: 'alice', units: 2 },
      { month: '2026-11', meter: 'geo', subject: 'alice', units: 3 },
      { month: '2026-09', meter: 'geo', subject: 'alice', units: 99 },
    ];
    expect(toSeries(lines, months, (l) => l.subject)).toEqual([
      { name: 'alice', values: [2, 3] },
      { name: 'bob', values: [0, 5] },
    ]);
  });

  it('groups daily lines by their day the same way', () => {
    const days = ['2026-11-30', '2026-12-01', '2026-12-02'];
    const lines = [
      { day: '2026-12-02', meter: 'ocr', units: 4 },
      { day: '2026-11-30', meter: 'geo', units: 1 },
      { day: '2026-12-02', meter: 'geo', units: 6 },
      { day: '2026-11-29', meter: 'geo', units: 99 },
    ];
    expect(toSeries(lines, days, (l) => l.meter)).toEqual([
      { name: 'geo', values: [1, 0, 6] },
      { name: 'ocr', values: [0, 0, 4] },
    ]);
  });
});
