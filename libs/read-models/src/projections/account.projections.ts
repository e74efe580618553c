import type { CreditTotals, MeterDefinition, QuotaTerms } from '@tally/events';
import type { DecisionMessage } from '@tally/messages';
import { toDecisionMessage } from '@tally/messages';
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

/** Each account's wallet: balance, granted and spent. */
export const credits = projection<CreditTotals>({
  name: 'credits_v1',
  keys: ['account'],
  keysOf: (e) =>
    e.type === 'CreditsGranted' || e.type === 'UsageAccepted' || e.type === 'UsageReversed' || e.type === 'PeriodOpened'
      ? [[e.data.account]]
      : [],
  evolve: (doc, e) => {
    const row = doc ?? { balance: 0, granted: 0, spent: 0 };
    switch (e.type) {
      case 'PeriodOpened':
        // An account exists from its first period on, even with an empty wallet.
        return row;
      case 'CreditsGranted':
        return { ...row, balance: row.balance + e.data.amount, granted: row.granted + e.data.amount };
      case 'UsageAccepted':
        return { ...row, balance: row.balance - e.data.creditsCharged, spent: row.spent + e.data.creditsCharged };
      case 'UsageReversed':
        return { ...row, balance: row.balance + e.data.creditsRefunded, spent: row.spent - e.data.creditsRefunded };
      default:
        return doc;
    }
  },
});

/** The audit log: every decision, newest first by `seq`, marked when reversed. */
export interface DecisionDoc extends DecisionMessage {
  seq: string;
  /** The API key id (or "kafka") that reported the usage; null for rows written before it was recorded. */
  reportedBy: string | null;
  reversedAt: string | null;
  reversalReason: string | null;
}

/** The decision log, keyed by account and (source, id). */
export const decisions = projection<DecisionDoc>({
  name: 'decisions_v1',
  keys: ['account', 'source', 'id'],
  indexes: [
    'create index if not exists decisions_v1_source_id on decisions_v1 (source, id)',
    "create index if not exists decisions_v1_account_seq on decisions_v1 (account, (doc->>'seq') desc)",
  ],
  keysOf: (e) =>
    e.type === 'UsageAccepted' || e.type === 'UsageRejected' || e.type === 'UsageReversed'
      ? [[e.data.account, e.data.source, e.data.id]]
      : [],
  evolve: (doc, e, _key, context) => {
    if (e.type === 'UsageAccepted' || e.type === 'UsageRejected') {
      return {
        ...toDecisionMessage(e),
        seq: sortable(context.position),
        reportedBy: e.data.reportedBy,
        reversedAt: null,
        reversalReason: null,
      };
    }
    if (e.type === 'UsageReversed' && doc) return { ...doc, reversedAt: e.data.at, reversalReason: e.data.reason };
    return doc;
  },
});

// Positions are opaque but made of numbers in global order; zero-padded they sort as text.
function sortable(position: string): string {
  return position.replace(/\d+/g, (n) => n.padStart(20, '0'));
}
