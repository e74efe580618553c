import type { QuotaTerms } from '@tally/events';
import { projection } from '../projection';

/** A quota's current terms and every change of them, for billing by the terms in force. */
export interface QuotaDoc {
  terms: QuotaTerms;
  history: Array<{ at: string; terms: QuotaTerms }>;
}

/** Each account's own quotas, with the history of their terms. */
export const quotas = projection<QuotaDoc>({
  name: 'quotas_v1',
  keys: ['account', 'meter'],
  keysOf: (e) => (e.type === 'QuotaSet' ? [[e.data.account, e.data.meter]] : []),
  evolve: (doc, e) =>
    e.type === 'QuotaSet'
      ? { terms: e.data.quota, history: [...(doc?.history ?? []), { at: e.data.at, terms: e.data.quota }] }
      : doc,
});
