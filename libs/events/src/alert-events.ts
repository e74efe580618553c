/** What an alert is about: a quota's usage passing a percentage of its limit, or a low credit balance. */
export type AlertKind = 'quota.threshold' | 'credits.low';

/**
 * An alert as it is stored and published (`metering.alerts.v1`, webhooks). For `quota.threshold`,
 * `threshold` is the percentage and `meter`, `usage`, `limit` (and `period`, 'YYYY-MM', for a
 * monthly quota) are set; for `credits.low`, `threshold` is the account's `creditsBelow` and
 * `balance` the balance after the debit.
 */
export interface AlertData {
  /** Stable id: the same alert keeps it through every redelivery (webhook-id, ce_id). */
  id: string;
  account: string;
  kind: AlertKind;
  threshold: number;
  meter?: string;
  usage?: number;
  limit?: number;
  period?: string;
  balance?: number;
  raisedAt: string;
}

/** Decided with the usage that crossed a threshold, in the same append. */
export interface AlertRaised {
  type: 'AlertRaised';
  data: AlertData;
}

/** The account's credit alert threshold: an alert when a debit brings the balance below it; null = none. */
export interface CreditAlertSet {
  type: 'CreditAlertSet';
  data: { account: string; creditsBelow: number | null; at: string };
}

/**
 * Alert memory carried from one period's stream into the next: the credit threshold and the
 * quota thresholds already raised, meter → period key ('YYYY-MM' or 'total') → percentages.
 * Absent from periods opened before alerts existed.
 */
export interface CarriedAlerts {
  creditsBelow: number | null;
  raised: Record<string, Record<string, number[]>>;
}
