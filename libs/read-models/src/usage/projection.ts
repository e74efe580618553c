import type { TallyEvent } from '@tally/events';
import { projection } from '../projection';

/** Units (accepted, net of reversals), accepted requests and rejected requests. */
export interface UsageCounts {
  units: number;
  requests: number;
  rejected: number;
}

/** Counts a usage decision or reversal into a row of usage. */
export function count(doc: UsageCounts | null, event: TallyEvent): UsageCounts | null {
  const row = doc ?? { units: 0, requests: 0, rejected: 0 };
  switch (event.type) {
    case 'UsageAccepted':
      return { ...row, units: row.units + event.data.quantity, requests: row.requests + 1 };
    case 'UsageRejected':
      return { ...row, rejected: row.rejected + 1 };
    case 'UsageReversed':
      return { ...row, units: row.units - event.data.quantity, requests: row.requests - 1 };
    default:
      return doc;
  }
}

/** Whether an event is a usage decision or reversal, the events usage rows count. */
export const isUsage = (e: TallyEvent): e is Extract<TallyEvent, { type: 'UsageAccepted' | 'UsageRejected' | 'UsageReversed' }> =>
  e.type === 'UsageAccepted' || e.type === 'UsageRejected' || e.type === 'UsageReversed';

/** Monthly use per account × meter × month of the event time. */
export const usageMonthly = projection<UsageCounts>({
  name: 'usage_monthly_v1',
  keys: ['account', 'meter', 'month'],
  // Billing reads a month in pages ordered by account and meter: one range of this index each.
  // It serves what the former (month) index served, which it replaces on tables made before it.
  indexes: (table) => [
    `create index if not exists ${table}_month_account on ${table} (month, account, meter)`,
    `drop index if exists ${table}_month`,
  ],
  keysOf: (e) => (isUsage(e) ? [[e.data.account, e.data.meter, e.data.month]] : []),
  evolve: (doc, e) => count(doc, e),
});

/** The same, broken down by subject. */
export const usageMonthlyBySubject = projection<UsageCounts>({
  name: 'usage_monthly_subject_v1',
  keys: ['account', 'meter', 'month', 'subject'],
  keysOf: (e) => (isUsage(e) ? [[e.data.account, e.data.meter, e.data.month, e.data.subject]] : []),
  evolve: (doc, e) => count(doc, e),
});

/** Cumulative accepted units per account × meter, for quotas with period `none`. */
export const usageTotals = projection<UsageCounts>({
  name: 'usage_totals_v1',
  keys: ['account', 'meter'],
  keysOf: (e) => (isUsage(e) ? [[e.data.account, e.data.meter]] : []),
  evolve: (doc, e) => count(doc, e),
});
