import type { MeterDefinition, MeterEvent, SubjectEvent } from '@tally/events';

// The rules of meters and subject mappings, pure: what their streams say and what a change appends.
// The api keeps them cached for the deciding path in `CatalogCache` (apps/api/src/catalog).

/** The meter's definition after its events, or null if it was never defined. */
export function meterFrom(events: readonly MeterEvent[]): MeterDefinition | null {
  const last = events.at(-1);
  if (!last) return null;
  const { meter, description, creditsPerUnit, defaultQuota } = last.data;
  return { meter, description, creditsPerUnit, defaultQuota };
}

/** Defines or redefines a meter; an identical definition appends nothing. */
export function defineMeter(current: MeterDefinition | null, next: MeterDefinition, now: string): MeterEvent[] {
  if (current && JSON.stringify(current) === JSON.stringify(next)) return [];
  return [{ type: 'MeterDefined', data: { ...next, at: now } }];
}

/** The account a subject is mapped to; a subject unmapped pays from the account of its own id. */
export function accountOf(subject: string, events: readonly SubjectEvent[]): string {
  return events.at(-1)?.data.account ?? subject;
}

/** Maps a subject to an account; mapping it to where it already is appends nothing. */
export function mapSubject(subject: string, account: string, events: readonly SubjectEvent[], now: string): SubjectEvent[] {
  if (accountOf(subject, events) === account && events.length > 0) return [];
  return [{ type: 'SubjectMapped', data: { subject, account, at: now } }];
}
