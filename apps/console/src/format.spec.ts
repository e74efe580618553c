import { toSeries } from './components/series';
import { addMonths, currentMonth, monthsBetween, periodLabel, rateLimitText, totals, units, when } from './format';

describe('console formatting', () => {
  it('walks months across year ends', () => {
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(monthsBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(currentMonth(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12');
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
});
