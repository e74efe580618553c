import type { MeterDefinition, QuotaTerms } from '@tally/events';
import { projection } from '../projection';

/** A meter's current definition and the history of its default quota. */
export interface MeterDoc extends MeterDefinition {
  updatedAt: string;
  defaultQuotaHistory: Array<{ at: string; terms: QuotaTerms | null }>;
}

/** Meter definitions, for GET /v1/meters and default-quota billing terms. */
export const meters = projection<MeterDoc>({
  name: 'meters_v1',
  keys: ['meter'],
  keysOf: (e) => (e.type === 'MeterDefined' ? [[e.data.meter]] : []),
  evolve: (doc, e) => {
    if (e.type !== 'MeterDefined') return doc;
    const { at, ...definition } = e.data;
    return {
      ...definition,
      updatedAt: at,
      defaultQuotaHistory: [...(doc?.defaultQuotaHistory ?? []), { at, terms: definition.defaultQuota }],
    };
  },
});
