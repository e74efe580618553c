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

/** A meter was defined or redefined (the whole definition). */
export interface MeterDefined {
  type: 'MeterDefined';
  data: MeterDefinition & { at: string };
}

/** Maps a subject to the account that pays for it, stored on `subject-{subject}`. */
export interface SubjectMapped {
  type: 'SubjectMapped';
  data: { subject: string; account: string; at: string };
}

/** Events of a meter stream. */
export type MeterEvent = MeterDefined;
/** Events of a subject stream. */
export type SubjectEvent = SubjectMapped;
