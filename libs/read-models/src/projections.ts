import { credits } from './credits/projection';
import { decisions } from './decisions/projection';
import { creditLedger } from './ledger/projection';
import { meters } from './meters/projection';
import type { ReadModelProjection } from './projection';
import { quotas } from './quotas/projection';
import { reservations } from './reservations/projection';
import { usageDaily } from './usage/daily';
import { usagePeriods } from './usage/periods';
import { usageMonthly, usageMonthlyBySubject, usageTotals } from './usage/projection';

/** Every read model the projector keeps. */
export const PROJECTIONS: readonly ReadModelProjection[] = [
  meters,
  quotas,
  credits,
  decisions,
  usageMonthly,
  usageMonthlyBySubject,
  usageTotals,
  usagePeriods,
  usageDaily,
  reservations,
  creditLedger,
];
