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
  const units = unitsOn(event.data, meter);
  // Literals of the row's three fields, not spreads: four tables count every usage.
  switch (event.type) {
    case 'UsageAccepted':
      return { units: row.units + units, requests: row.requests + 1, rejected: row.rejected };
    case 'UsageRejected':
      return { units: row.units, requests: row.requests, rejected: row.rejected + 1 };
    case 'UsageReversed':
      return { units: row.units - units, requests: row.requests - 1, rejected: row.rejected };
  }
}

/**
 * The units a usage counts on `meter`: its line's (as `linesOf` lists them), 0 when it has none
 * there. A single usage is its own line: read without building the one-line list.
 */
function unitsOn(data: UsageEvent['data'], meter: string): number {
  if (data.items) return data.items.find((line) => line.meter === meter)?.quantity ?? 0;
  return data.meter === meter ? data.quantity : 0;
}

type UsageEvent = Extract<TallyEvent, { type: 'UsageAccepted' | 'UsageRejected' | 'UsageReversed' }>;

/** Whether an event is a usage decision or reversal, the events usage rows count. */
export const isUsage = (e: TallyEvent): e is UsageEvent =>
  e.type === 'UsageAccepted' || e.type === 'UsageRejected' || e.type === 'UsageReversed';

/** The keys of a usage event's rows, one per meter it counts on: `keyOf` gives the rest of each key. */
export const rowsOf = (e: TallyEvent, keyOf: (e: UsageEvent, line: CountedItem) => string[]): string[][] => {
  if (!isUsage(e)) return [];
  // A single usage is its own line (`linesOf` would copy its meter and period into one).
  return e.data.items ? linesOf(e.data).map((line) => keyOf(e, line)) : [keyOf(e, e.data)];
};

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
