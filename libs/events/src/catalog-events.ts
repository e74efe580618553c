import type { QuotaTerms } from './quota-terms';

/** A meter's definition, as stored on `meter-{meter}`. */
export interface MeterDefinition {
  meter: string;
  description: string | null;
  /** Credits one unit costs; `null` when the meter is not paid with credits. */
  creditsPerUnit: number | null;
  /** Quota every account without its own quota for this meter gets. */
  defaultQuota: QuotaTerms | null;
}

export interface MeterDefined {
  type: 'MeterDefined';
  data: MeterDefinition & { at: string };
}

/** Maps a subject to the account that pays for it, stored on `subject-{subject}`. */
export interface SubjectMapped {
  type: 'SubjectMapped';
  data: { subject: string; account: string; at: string };
}

export type MeterEvent = MeterDefined;
export type SubjectEvent = SubjectMapped;
