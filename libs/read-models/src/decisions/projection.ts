import type { DecisionMessage } from '@tally/messages';
import { toDecisionMessage } from '@tally/messages';
import { projection } from '../projection';

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
  indexes: (table) => [
    `create index if not exists ${table}_source_id on ${table} (source, id)`,
    `create index if not exists ${table}_account_seq on ${table} (account, (doc->>'seq') desc)`,
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
