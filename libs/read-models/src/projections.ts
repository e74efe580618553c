import { credits } from './credits/projection';
import { decisions } from './decisions/projection';
import { meters } from './meters/projection';
import type { Projection } from './projection';
import { quotas } from './quotas/projection';
import { reservations } from './reservations/projection';
import { usageMonthly, usageMonthlyBySubject, usageTotals } from './usage/projection';

/** Every read model the projector keeps. */
export const PROJECTIONS: readonly Projection[] = [
  meters,
  quotas,
  credits,
  decisions,
  usageMonthly,
  usageMonthlyBySubject,
  usageTotals,
  reservations,
];
