import { withDefaultTerms } from '@tally/events';
import { quotaSet } from '../testing/events';
import { rowsOf } from '../testing/rows-of';
import { quotas } from './projection';

describe('quotas projection', () => {
  it('keeps the current terms and every change of them, per account and meter', () => {
    const rows = rowsOf(quotas, [
      quotaSet(10, '2026-11-01T00:00:00.000Z'),
      quotaSet(20, '2026-11-09T00:00:00.000Z'),
      quotaSet(5, '2026-11-02T00:00:00.000Z', 'ocr'),
    ]);
    expect(rows['acme|geo']).toEqual({
      terms: withDefaultTerms({ limit: 20 }),
      history: [
        { at: '2026-11-01T00:00:00.000Z', terms: withDefaultTerms({ limit: 10 }) },
        { at: '2026-11-09T00:00:00.000Z', terms: withDefaultTerms({ limit: 20 }) },
      ],
    });
    expect(rows['acme|ocr'].terms.limit).toBe(5);
  });
});
