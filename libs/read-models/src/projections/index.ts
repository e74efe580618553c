import type { Projection } from '../projection';
import { credits, decisions, meters, quotas } from './account.projections';
import { usageMonthly, usageMonthlyBySubject, usageTotals } from './usage.projections';

export * from './account.projections';
export * from './usage.projections';

/** Every read model the projector keeps. */
export const PROJECTIONS: readonly Projection<never>[] = [
  meters,
  quotas,
  credits,
  decisions,
  usageMonthly,
  usageMonthlyBySubject,
  usageTotals,
] as unknown as Projection<never>[];
