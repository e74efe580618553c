import { completeTerms, type QuotaTerms } from '@tally/events';
import type { SqlQueryable } from '@tally/eventstore';
import { tableOf } from '../projection';
import { meters, type MeterDoc } from './projection';

/** Public view of a meter. */
export interface MeterView {
  meter: string;
  description: string | null;
  creditsPerUnit: number | null;
  defaultQuota: QuotaTerms | null;
  updatedAt: string;
}

/** Every meter, by name. */
export async function readMeters(db: SqlQueryable): Promise<MeterView[]> {
  const { rows } = await db.query<{ doc: MeterDoc }>(`select doc from ${tableOf(meters)} order by meter`);
  return rows.map(({ doc }) => ({
    meter: doc.meter,
    description: doc.description,
    creditsPerUnit: doc.creditsPerUnit,
    defaultQuota: doc.defaultQuota ? completeTerms(doc.defaultQuota) : null,
    updatedAt: doc.updatedAt,
  }));
}
