/** Why a usage request was rejected (docs/contract.md §3). Stable codes: clients match on them. */
export const REJECT_REASONS = [
  'TOO_LATE',
  'IN_FUTURE',
  'NO_QUOTA',
  'METER_DISABLED',
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
  'INSUFFICIENT_CREDITS',
] as const;

/** One of {@link REJECT_REASONS}. */
export type RejectReason = (typeof REJECT_REASONS)[number];
