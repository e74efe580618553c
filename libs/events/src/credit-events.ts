/** Grant priorities: 1 burns first; a grant without one has {@link DEFAULT_GRANT_PRIORITY}. */
export const GRANT_PRIORITY_MIN = 1;
export const GRANT_PRIORITY_MAX = 100;
export const DEFAULT_GRANT_PRIORITY = 50;

/** Credits taken from one grant. */
export interface CreditDraw {
  grant: string;
  amount: number;
}

/** Credits given back to one grant; `expired` when the grant had already ended (they leave the balance with it). */
export interface CreditRefund extends CreditDraw {
  expired: boolean;
}

/** How a grant ended: its remainder expired at `expiresAt`, or an admin voided it. */
export type GrantEnd = 'expired' | 'voided';

/** A grant as an account carries it from one period's stream into the next. */
export interface CarriedGrant {
  id: string;
  amount: number;
  remaining: number;
  priority: number;
  effectiveAt: string;
  expiresAt: string | null;
  reason: string | null;
  grantedAt: string;
  ended: GrantEnd | null;
  endedAt: string | null;
  /** Last time credits moved in or out of it: a dead or empty grant is forgotten 35 days after. */
  touchedAt: string;
}

/** How often an allowance is re-issued: at the start of every UTC month or day. */
export type AllowancePer = 'month' | 'day';

/** An allowance and the last period it was issued for ('YYYY-MM' or 'YYYY-MM-DD'). */
export interface CarriedAllowance {
  amount: number;
  per: AllowancePer;
  priority: number;
  issuedFor: string | null;
}

/**
 * What was left of a grant left the balance at `at`, its `expiresAt`. Recorded by the account's
 * first decision after that instant; readers derive it before (the balance never counts it).
 */
export interface CreditsExpired {
  type: 'CreditsExpired';
  data: { account: string; grantId: string; amount: number; at: string };
}

/** An admin voided a grant: what was left of it (`amount`) left the balance at `at`. */
export interface GrantVoided {
  type: 'GrantVoided';
  data: { account: string; grantId: string; amount: number; reason: string | null; at: string };
}

/** A recurring grant of `amount` for every period (`per`), from the current one on. */
export interface AllowanceSet {
  type: 'AllowanceSet';
  data: { account: string; amount: number; per: AllowancePer; priority: number; at: string };
}

/** The allowance stops: no later period gets one (the current period's grant runs to its end). */
export interface AllowanceRemoved {
  type: 'AllowanceRemoved';
  data: { account: string; at: string };
}
