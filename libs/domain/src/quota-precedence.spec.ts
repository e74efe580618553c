import { DEFAULT_QUOTA_TERMS, type QuotaTerms } from '@tally/events';
import { overageOf, quotaInForce, quotasInForce, remainingOf } from './decide-usage';

const terms = (limit: number | null): QuotaTerms => ({ ...DEFAULT_QUOTA_TERMS, limit });

describe('which quota holds, and what is left of it', () => {
  it('holds an account to its own quota, else the meter default, else none', () => {
    expect(quotaInForce(terms(5), terms(50))).toEqual(terms(5));
    expect(quotaInForce(undefined, terms(50))).toEqual(terms(50));
    expect(quotaInForce(null, null)).toBeNull();
  });

  it('lists every quota in force by meter name: own ones over the defaults', () => {
    const listed = quotasInForce(
      [
        ['ocr', terms(5)],
        ['geo', terms(7)],
      ],
      [
        ['zeta', terms(1)],
        ['ocr', terms(50)],
      ],
    );
    expect(listed).toEqual([
      ['geo', terms(7)],
      ['ocr', terms(5)],
      ['zeta', terms(1)],
    ]);
  });

  it('counts what remains and the overage of a limit, neither below zero, none for no limit', () => {
    expect([remainingOf(10, 4), remainingOf(10, 12), remainingOf(null, 12)]).toEqual([6, 0, null]);
    expect([overageOf(10, 4), overageOf(10, 12), overageOf(null, 12)]).toEqual([0, 2, 0]);
  });
});
