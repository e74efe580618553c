import { linesOf, type CountedItem, type TallyEvent } from '@tally/events';
import { projection } from '../projection';

/** Units (accepted, net of reversals), accepted requests and rejected requests. */
export interface UsageCounts {
  units: number;
  requests: number;
  rejected: number;
}

/**
 * The row of `meter` after `event`. A multi-item usage counts on each of its items' meters: its
 * units there, and one request (accepted, reversed or rejected) on each.
 */
export function count(doc: UsageCounts | null, event: TallyEvent, meter: string): UsageCounts | null {
  if (!isUsage(event)) return doc;
  const row = doc ?? { units: 0, requests: 0, rejected: 0 };
  const units = linesOf(event.data).find((line) => line.meter === meter)?.quantity ?? 0;
  switch (event.type) {
    case 'UsageAccepted':
      return { ...row, units: row.units + units, requests: row.requests + 1 };
    case 'UsageRejected':
      return { ...row, rejected: row.rejected + 1 };
    case 'UsageReversed':
      return { ...row, units: row.units - units, requests: row.requests - 1 };
  }
}

type UsageEvent = Extract<TallyEvent, { type: 'UsageAccepted' | 'UsageRejected' | 'UsageReversed' }>;

/** Whether an event is a usage decision or reversal, the events usage rows count. */
export const isUsage = (e: TallyEvent): e is UsageEvent =>
  e.type === 'UsageAccepted' || e.type === 'UsageRejected' || e.type === 'UsageReversed';

/** The keys of a usage event's rows, one per meter it counts on: `keyOf` gives the rest of each key. */
export const rowsOf = (e: TallyEvent, keyOf: (e: UsageEvent, line: CountedItem) => string[]): string[][] =>
  isUsage(e) ? linesOf(e.data).map((line) => keyOf(e, line)) : [];

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
  keysOf: (e) => rowsOf(e, (u, { meter }) => [u.data.account, meter, u.data.month]),
  evolve: (doc, e, [, meter]) => count(doc, e, meter),
});

/** The same, broken down by subject. */
export const usageMonthlyBySubject = projection<UsageCounts>({
  name: 'usage_monthly_subject_v1',
  keys: ['account', 'meter', 'month', 'subject'],
  keysOf: (e) => rowsOf(e, (u, { meter }) => [u.data.account, meter, u.data.month, u.data.subject]),
  evolve: (doc, e, [, meter]) => count(doc, e, meter),
});

/** Cumulative accepted units per account × meter, for quotas with period `none`. */
export const usageTotals = projection<UsageCounts>({
  name: 'usage_totals_v1',
  keys: ['account', 'meter'],
  keysOf: (e) => rowsOf(e, (u, { meter }) => [u.data.account, meter]),
  evolve: (doc, e, [, meter]) => count(doc, e, meter),
});
