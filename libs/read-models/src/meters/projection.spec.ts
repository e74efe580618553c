import { withDefaultTerms, type TallyEvent } from '@tally/events';
import { rowsOf } from '../testing/rows-of';
import { meters } from './projection';

const defined = (at: string, limit: number | null): TallyEvent => ({
  type: 'MeterDefined',
  data: {
    meter: 'geo',
    description: 'lookups',
    creditsPerUnit: 2,
    defaultQuota: limit === null ? null : withDefaultTerms({ limit }),
    at,
  },
});

describe('meters projection', () => {
  it('keeps the latest definition and the history of its default quota', () => {
    const rows = rowsOf(meters, [defined('2026-11-01T00:00:00.000Z', 10), defined('2026-11-08T00:00:00.000Z', null)]);
    expect(rows).toEqual({
      geo: {
        meter: 'geo',
        description: 'lookups',
        creditsPerUnit: 2,
        defaultQuota: null,
        updatedAt: '2026-11-08T00:00:00.000Z',
        defaultQuotaHistory: [
          { at: '2026-11-01T00:00:00.000Z', terms: withDefaultTerms({ limit: 10 }) },
          { at: '2026-11-08T00:00:00.000Z', terms: null },
        ],
      },
    });
  });
});
